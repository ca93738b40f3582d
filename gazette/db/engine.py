"""Engine set-up for SQLite (the embedded default) and PostgreSQL, and schema migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gazette.db import site_generation
from gazette.errors import ConfigError, DatabaseLocked, DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITES = "gazette_writes"  # execution option of the connections of `Database.transaction`
# How long a SQLite writer waits for another process's write lock before it gives up.
BUSY_TIMEOUT_SECONDS = 10.0
# Row ids are INTEGER columns: 64 bits in SQLite, but 32 in PostgreSQL, where SQLAlchemy sends a
# number compared with one as `::INTEGER`, which fails beyond 32 bits ("integer out of range").
# A number beyond what both store names no row.
ID_BITS = 32


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
    cursor.execute(f"PRAGMA busy_timeout={round(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web app) do not block the pipeline
    cursor.close()
    # Python's sqlite3 starts transactions on its own, late and not for SAVEPOINT, which breaks
    # savepoints (gazette/faults.py isolates each item in one); SQLAlchemy begins them instead.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin(connection: Connection) -> None:
    """A transaction that will write takes the write lock at once (BEGIN IMMEDIATE): one that
    read first and wrote later could find that another writer moved on, and fail."""
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for PostgreSQL and in-memory databases."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def unusable_database(exc: DBAPIError, url: str) -> DatabaseUnavailable | None:
    """What a failure of the database at `url` means to the operator, when it is one they can
    act on: a lock another process holds, a file that is not a database or cannot be written.
    None for any other failure, which needs its traceback."""
    code = getattr(exc.orig, "sqlite_errorname", "")
    file = sqlite_file(url)
    where = str(file.resolve()) if file else url
    folder_locked = file is not None and not os.access(file.resolve().parent, os.W_OK)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseLocked(
            f"the database {where} is locked: another Gazette process is writing to it; "
            "try again when it has finished"
        )
    if code == "SQLITE_READONLY_DIRECTORY" or (
        code.startswith("SQLITE_CANTOPEN") and folder_locked
    ):
        return DatabaseUnavailable(
            f"cannot write in the folder of the database {where}: SQLite keeps its -wal and "
            "-shm files beside it, so Gazette needs write permission on the folder"
        )
    if code.startswith("SQLITE_READONLY"):
        return DatabaseUnavailable(
            f"the database {where} is read-only: Gazette needs write permission on it, its "
            "-wal and -shm files and their folder"
        )
    if code == "SQLITE_NOTADB":
        return DatabaseUnavailable(f"{where} is not a SQLite database")
    if code.startswith("SQLITE_CORRUPT"):
        return DatabaseUnavailable(f"the database {where} is damaged: restore it from a backup")
    if code.startswith("SQLITE_CANTOPEN"):
        return DatabaseUnavailable(
            f"cannot open the database {where}: check that it and its folder can be read and "
            "written"
        )
    return None


class Database:
    """An engine, a session factory, and the migrations that bring the schema up to date.

    A SQLite file that does not exist yet is created on first use, unless `create` is false:
    then its absence is an error (a command run in the wrong folder must not leave an empty
    database behind)."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = normalise_url(url)
        self.file = sqlite_file(self.url)
        if self.file is not None:
            if not self.file.parent.is_dir():
                raise ConfigError(f"database folder does not exist: {self.file.parent}")
            if not create and not self.file.exists():
                raise DatabaseUnavailable(
                    f"database file not found: {self.file.resolve()} (from {self.url}); run "
                    "`gazette init` to create it, or point --database at an existing one"
                )
        self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_connected)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing = sessionmaker(
            self.engine.execution_options(**{WRITES: True}), expire_on_commit=False
        )
        for sessions in (self._sessions, self._writing):
            site_generation.watch(sessions)  # cached pages go stale when what they show changes

    def unusable(self, exc: DBAPIError) -> DatabaseUnavailable | None:
        """The operator's side of a failure of this database (see `unusable_database`)."""
        return unusable_database(exc, self.url)

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
        except DBAPIError as exc:
            if (problem := self._cannot_open(exc)) is None:
                raise
            raise problem from exc

    def _cannot_open(self, exc: DBAPIError) -> ConfigError | None:
        """What to say when the database could not even be opened or migrated."""
        if (problem := self.unusable(exc)) is not None:
            return problem
        if isinstance(exc, OperationalError):  # a server that is down, a wrong password
            return ConfigError(f"cannot open database {self.url}: {exc.orig}")
        return None

    def is_current(self) -> bool:
        """True when the schema is at the newest migration."""
        head = ScriptDirectory.from_config(self._alembic_config()).get_current_head()
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision() == head
        except DBAPIError as exc:
            if (problem := self._cannot_open(exc)) is None:
                raise
            raise problem from exc

    def dispose(self) -> None:
        self.engine.dispose()
