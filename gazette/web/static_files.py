"""Static files (CSS, and any script) under names that carry a hash of their content.

`site.css` is linked as `/static/site.3f9c2a1b.css`: a browser may keep that forever, because a
changed file gets a new name. The plain name (`/static/site.css`) still answers, with
`Cache-Control: no-cache` so that browsers check it again; an outdated hashed name is a 404.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
FOREVER = "public, max-age=31536000, immutable"
CHECK_AGAIN = "no-cache"
HASH_LENGTH = 8


def hashed_name(name: str, content: bytes) -> str:
    """`css/site.css` -> `css/site.<first 8 hex digits of its SHA-256>.css`."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


class HashedStaticFiles(StaticFiles):
    """Serves a folder's files under their hashed names (cached for a year) and their plain
    names (revalidated each time). The hashes are computed once, when the app is built."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        super().__init__(directory=directory)
        self.hashed: dict[str, str] = {}  # plain name -> hashed name
        for file in sorted(directory.rglob("*")):
            if file.is_file():
                name = file.relative_to(directory).as_posix()
                self.hashed[name] = hashed_name(name, file.read_bytes())
        self._plain = {hashed: plain for plain, hashed in self.hashed.items()}

    def url_name(self, name: str) -> str:
        """The name to link to for the file `name`; a missing file is a bug in a template."""
        try:
            return self.hashed[name]
        except KeyError:
            raise LookupError(f"no static file {name!r} in {self.directory}") from None

    async def get_response(self, path: str, scope: Scope) -> Response:
        plain = self._plain.get(Path(path).as_posix())
        response = await super().get_response(plain or path, scope)
        response.headers["Cache-Control"] = FOREVER if plain else CHECK_AGAIN
        return response
