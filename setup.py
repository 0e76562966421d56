"""Build hook: a wheel carries the compiled catalogues (.mo). Git keeps only the .po files
(`make translations` compiles them in a checkout), so building compiles them into the wheel.
Everything else about the package is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(translations: Path) -> list[Path]:
    """Write messages.mo beside every messages.po under `translations`; return them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            compile_catalogues(Path(self.build_lib) / "kudos" / "translations")


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithCatalogues})
