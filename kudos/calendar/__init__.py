"""The working calendar: the company's country, time zone and closures, and each person's
country; what the nudge gate and the fatigue detector read as days off."""
