"""Signals that let each feature take part in account-wide operations without the account
code knowing the features (imports keep running one way)."""

from blinker import Namespace

_signals = Namespace()

# sender: the User; receivers add their part: data[key] = [...]
collect_export = _signals.signal("collect-export")
# sender: the User; kwargs: remove_words (bool). Receivers anonymise or hide their rows.
account_erased = _signals.signal("account-erased")
