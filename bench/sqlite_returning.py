#!/usr/bin/env python3
"""SQLite's cost of `RETURNING id` on an insert shaped like the store's message insert.

The store read a new message's id with `INSERT ... ON CONFLICT(key) DO NOTHING RETURNING id`
and now reads `sqlite3_last_insert_rowid` after the insert instead (docs/benchmarks.md, "The
default command, and incremental ingest"). This times both forms side by side, alternating, on
the system's libsqlite3 (the one cordon links), with the store's page size, journal and cache
settings, N random-key inserts in one transaction each run.

Usage: bench/sqlite_returning.py [N] [ROUNDS]   (defaults 300000 and 2)
"""
import os
import random
import sqlite3
import sys
import tempfile
import time


def run(rows, returning, path):
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(path + ext):
            os.remove(path + ext)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size=32768")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-262144")
    db.execute("CREATE TABLE m(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, chat TEXT, "
               "time INTEGER, text TEXT)")
    sql = "INSERT INTO m(key, chat, time, text) VALUES(?, ?, ?, ?) ON CONFLICT(key) DO NOTHING"
    start = time.perf_counter()
    db.execute("BEGIN")
    if returning:
        for r in rows:
            db.execute(sql + " RETURNING id", r).fetchall()
    else:
        for r in rows:
            _ = db.execute(sql, r).lastrowid
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rng = random.Random(1)
    rows = [("telegram:channel%d/%d" % (rng.randrange(5000), i), "c", i, "x" * 150)
            for i in range(n)]
    print("sqlite", sqlite3.sqlite_version, "-", n, "inserts a run")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "returning.db")
        for _ in range(rounds):
            for returning in (False, True):
                label = "RETURNING id" if returning else "last rowid  "
                print("%s %6.2f s" % (label, run(rows, returning, path)))


if __name__ == "__main__":
    main()
