"""The renderer's only way to read anything: data: URLs, files under the allowed folders, and
QR codes made from their address."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from booklet.pdf import qr
from booklet.pdf.engine import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class Refused(FatalURLFetchingError):
    """A template or the data asked for something outside the sandbox."""


class SandboxFetcher(URLFetcher):
    """Serves `data:` URLs, regular files under `roots` and `qr:` codes (booklet.pdf.qr); anything
    else stops the render.

    WeasyPrint has no option for allowed paths, and a `file:` URL could name /etc/passwd
    or /dev/urandom (which never ends): we resolve every path and refuse what is outside.
    """

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers=None):
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if url.startswith(qr.SCHEME):
            return URLFetcherResponse(url, qr.png(qr.payload_of(url)), {"Content-Type": "image/png"})
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        raise Refused(f"不允许读取 {url}（只能读取 data/、templates/ 和 fonts/ 下的文件）")
