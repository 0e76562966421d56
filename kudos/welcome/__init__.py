"""A newcomer's first week: a short welcome in three steps, then at most two pointers."""
