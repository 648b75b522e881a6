"""axe-core, the accessibility checker, fetched once from the npm registry and checked against its hash.

`python -m tests.browser.axe` fetches it ahead of the run (`make axe`); the `axe_source` fixture
does the same on demand. The file is cached under test-artifacts/cache/ (not committed).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from tests.browser.live import PROJECT_ROOT

VERSION = "4.10.3"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# `npm view axe-core@4.10.3 dist.integrity`
INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
CACHE = PROJECT_ROOT / "test-artifacts" / "cache" / f"axe-core-{VERSION}.min.js"


def fetch(path: Path = CACHE) -> Path:
    """The path of axe.min.js, downloading and verifying the package when it is not cached yet."""
    if path.exists():
        return path
    with urllib.request.urlopen(TARBALL, timeout=60) as answer:
        data = answer.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise RuntimeError(f"{TARBALL} does not match its published integrity {INTEGRITY} (got {digest})")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        script = archive.extractfile("package/axe.min.js").read()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so a parallel worker never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(script)
    os.replace(tmp, path)
    return path


def serious_violations(page) -> list[str]:
    """Run axe on the page as it is; one line per serious or critical violation."""
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
            for v in result if v["impact"] in ("serious", "critical")]


if __name__ == "__main__":
    print(fetch())
