"""Screenshots of the running portal at phone and desktop widths, for looking at what we build.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
Logs in as the demo accounts (make demo) and saves PNGs of the main pages.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    None: ["/", "/accounts/login/"],
    "codo": ["/", "/areas/", "/producers/", "/products/", "/products/expiring/"],
    "city": ["/", "/products/?status=certified", "/products/expiring/", "/producers/new/"],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, label in [(360, "phone"), (1280, "desktop")]:
            for username, paths in PAGES.items():
                page = browser.new_page(viewport={"width": width, "height": 800})
                if username:
                    page.goto(f"{BASE}/accounts/login/")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", "ocop-demo")
                    page.click("main button[type=submit]")
                for path in paths:
                    page.goto(f"{BASE}{path}")
                    slug = path.replace("/", "_").replace("?", "_")
                    name = f"{label}-{username or 'anon'}{slug}.png"
                    page.screenshot(path=str(OUT / name), full_page=True)
                    print(OUT / name)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
