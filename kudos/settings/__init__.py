"""Each person's settings: profile, rhythm, language, privacy, password, data."""
