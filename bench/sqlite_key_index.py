#!/usr/bin/env python3
"""What the messages' unique key costs SQLite, and what the issue #15 options would save.

The store inserts each message into `messages`, whose text `key` is UNIQUE: one B-tree for the
rows (appended, by rowid) and one for the key index (keys of thousands of chats interleaved, so
inserts land all over it). This inserts the first N messages of a native NDJSON file in
transactions of B rows, with the store's page size, journal and cache settings, through the
system's libsqlite3 (the one cordon links), in five shapes, alternating, ROUNDS times:

  text-key   key TEXT UNIQUE, rows in arrival order (what the store does)
  sorted     the same, each transaction's rows sorted by key first (sorting not timed)
  hash-key   a 64-bit hash of the key as the UNIQUE column, the text key unindexed
  no-index   no unique key at all (the floor: rows only)
  key-table  the rows themselves ordered by key (WITHOUT ROWID): one B-tree, no rowid

Usage: bench/sqlite_key_index.py FILE [N] [B] [ROUNDS]   (defaults 1000000, 200000, 2)
"""
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time

SHAPES = {
    "text-key": ("key TEXT NOT NULL UNIQUE", "key", " ON CONFLICT(key) DO NOTHING"),
    "sorted": ("key TEXT NOT NULL UNIQUE", "key", " ON CONFLICT(key) DO NOTHING"),
    "hash-key": ("kh INTEGER NOT NULL UNIQUE, key TEXT NOT NULL", "kh, key",
                 " ON CONFLICT(kh) DO NOTHING"),
    "no-index": ("key TEXT NOT NULL", "key", ""),
    "key-table": ("key TEXT PRIMARY KEY", "key", " ON CONFLICT(key) DO NOTHING"),
}


def load(path, n):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") != "message":
                continue
            rows.append((o["key"], o["chat"], o.get("text", "")))
            if len(rows) >= n:
                break
    return rows


def key_hash(key):
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def run(shape, rows, batch, path):
    columns, names, conflict = SHAPES[shape]
    parts = [rows[i:i + batch] for i in range(0, len(rows), batch)]
    if shape == "sorted":
        parts = [sorted(p) for p in parts]
    if shape == "hash-key":
        parts = [[(key_hash(r[0]),) + r for r in p] for p in parts]
    width = len(parts[0][0]) if parts and parts[0] else 0
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(path + ext):
            os.remove(path + ext)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("page_size=32768", "journal_mode=WAL", "synchronous=NORMAL",
                   "cache_size=-262144"):
        db.execute("PRAGMA " + pragma)
    if shape == "key-table":
        db.execute(f"CREATE TABLE messages({columns}, chat TEXT, text TEXT) WITHOUT ROWID")
    else:
        db.execute(f"CREATE TABLE messages(id INTEGER PRIMARY KEY, {columns}, chat TEXT, "
                   "text TEXT)")
    insert = (f"INSERT INTO messages({names}, chat, text) VALUES("
              + ",".join("?" * width) + ")" + conflict)
    start = time.perf_counter()
    for part in parts:
        db.execute("BEGIN")
        db.executemany(insert, part)
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    rows = load(sys.argv[1], n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "keys.db")
        for _ in range(rounds):
            for shape in SHAPES:
                print(f"{shape:9} {len(rows)} rows  {run(shape, rows, batch, path):.2f} s",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
