"""Pure Python rules: data in, decisions out. No Flask, no database session here."""
