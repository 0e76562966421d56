"""Screenshots of a page as people see it: the whole page at desktop and phone widths, and
the phone's first screen (what shows before any scrolling)."""

from tests.browser.conftest import ARTIFACTS, screenshot

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{size}")
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone-first-screen.png"))
    page.set_viewport_size(SIZES["desktop"])
