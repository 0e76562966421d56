"""The programme's charter: what being an ambassador means here, versioned per language."""
