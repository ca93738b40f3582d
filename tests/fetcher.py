"""A process that runs fetch steps until no page waits, for tests of politeness across
processes. Prints how many pages it fetched.
Run: python tests/fetcher.py CONFIG_FILE
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import func, select

from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus
from gazette.embedding import LazyEmbedder
from gazette.fetch import fetch_step
from gazette.work import StageContext

# After a step that fetched, the process rests as a worker would while it does other stages'
# steps: the other process gets its turn at the host.
REST_SECONDS = 0.3


def main() -> None:
    settings = load_settings(__import__("pathlib").Path(sys.argv[1]))
    database = Database(settings.database_url)
    context = StageContext(database, settings, LazyEmbedder())
    fetched = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        report = fetch_step(context)
        fetched += report.fetched
        with database.session() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(Document)
                .where(Document.status == DocumentStatus.DISCOVERED)
            )
        if not waiting:
            break
        time.sleep(REST_SECONDS if report.fetched else 0.05)
    print(fetched, flush=True)


if __name__ == "__main__":
    main()
