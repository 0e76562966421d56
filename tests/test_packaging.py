"""A wheel built from the repository carries the compiled catalogues: without them a French
reader of an installed Kudos would get English everywhere. Git keeps only the .po files; the
build hook in setup.py compiles them."""

import runpy
import shutil
import tomllib
from pathlib import Path

from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent


def test_the_build_compiles_the_catalogues_into_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(r.startswith("babel") for r in project["build-system"]["requires"])
    assert "translations/**/*" in project["tool"]["setuptools"]["package-data"]["kudos"]
    hook = runpy.run_path(str(ROOT / "setup.py"), run_name="kudos_setup")
    assert issubclass(hook["BuildWithCatalogues"], hook["build_py"])
    assert "BuildWithCatalogues" in (ROOT / "setup.py").read_text().split("setup(")[-1]


def test_the_compiled_catalogue_speaks_french(tmp_path):
    hook = runpy.run_path(str(ROOT / "setup.py"), run_name="kudos_setup")
    built = tmp_path / "kudos" / "translations"
    shutil.copytree(ROOT / "kudos" / "translations", built,
                    ignore=shutil.ignore_patterns("*.mo"))  # as a fresh checkout has them
    [mo] = hook["compile_catalogues"](built)
    assert mo == built / "fr" / "LC_MESSAGES" / "messages.mo"
    french = Translations.load(str(built), ["fr"])
    assert french.gettext("Your settings are saved.") == "Vos réglages sont enregistrés."
    assert french.pgettext("phase", "Decline") == "Baisse"
    assert french.ngettext("%(num)s relay", "%(num)s relays", 2) == "%(num)s relais"
