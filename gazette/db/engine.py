"""Engine set-up for SQLite (the embedded default) and PostgreSQL, and schema migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gazette.errors import ConfigError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITES = "gazette_writes"  # execution option of the connections of `Database.transaction`
# Row ids are 64-bit signed integers (SQLite's INTEGER; PostgreSQL compares a larger number with
# its smaller id columns without complaint). A number beyond them names no row.
ID_BITS = 64


def fits_in_id(number: int) -> bool:
    """Whether `number` could be a row's id; one that cannot simply names no row."""
    return -(2 ** (ID_BITS - 1)) <= number < 2 ** (ID_BITS - 1)


def normalise_url(url: str) -> str:
    """`postgresql://` means the psycopg 3 driver, the only one Gazette installs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite_connected(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web app) do not block the pipeline
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # Python's sqlite3 starts transactions on its own, late and not for SAVEPOINT, which breaks
    # savepoints (gazette/faults.py isolates each item in one); SQLAlchemy begins them instead.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin(connection: Connection) -> None:
    """A transaction that will write takes the write lock at once (BEGIN IMMEDIATE): one that
    read first and wrote later could find that another writer moved on, and fail."""
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


class Database:
    """An engine, a session factory, and the migrations that bring the schema up to date."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:///:memory:"):
            folder = Path(self.url.removeprefix("sqlite:///")).parent
            if not folder.is_dir():
                raise ConfigError(f"database folder does not exist: {folder}")
        self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_connected)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing = sessionmaker(
            self.engine.execution_options(**{WRITES: True}), expire_on_commit=False
        )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back entirely on error."""
        with self._writing() as session, session.begin():
            yield session

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        config = self._alembic_config()
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise ConfigError(f"cannot open database {self.url}: {exc.orig}") from exc

    def is_current(self) -> bool:
        """True when the schema is at the newest migration."""
        head = ScriptDirectory.from_config(self._alembic_config()).get_current_head()
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision() == head
        except OperationalError as exc:
            raise ConfigError(f"cannot open database {self.url}: {exc.orig}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
