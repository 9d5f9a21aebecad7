#!/usr/bin/env python3
"""sqlite_to_pg.py — copies a bench database (SQLite, `make bench-lists`'s loader) into a
PostgreSQL database that `osb init` made at the same schema version, for timing the lists on
PostgreSQL (scripts/bench-lists-pg.sh). Every table both have is emptied on PostgreSQL and
filled with the SQLite rows through psql's COPY (text format: NULL as \\N, BLOBs as bytea
hex), foreign keys not checked while it runs (session_replication_role = replica, the cluster
is a throwaway one run as its superuser); then each serial column's sequence is set past its
largest value and the tables are analysed.

    sqlite_to_pg.py SQLITE_FILE PSQL URL
"""

import sqlite3
import subprocess
import sys


def text(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        return "\\\\x" + v.hex()
    s = str(v)
    return (s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def psql(exe, url, sql):
    return subprocess.run([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", url, "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def main():
    src, exe, url = sys.argv[1:4]
    db = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    pg_tables = set(psql(exe, url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    .split())
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%' ORDER BY name")
              if r[0] in pg_tables and r[0] != "schema_version"]
    p = subprocess.Popen([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", url], stdin=subprocess.PIPE,
                         text=True)
    w = p.stdin
    w.write("SET session_replication_role = replica;\n")
    w.write("TRUNCATE " + ", ".join(tables) + " CASCADE;\n")
    for t in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
        names = ", ".join(f'"{c}"' for c in cols)
        w.write(f"COPY {t}({names}) FROM STDIN;\n")
        n = 0
        for row in db.execute(f"SELECT {names} FROM {t}"):
            w.write("\t".join(text(v) for v in row) + "\n")
            n += 1
        w.write("\\.\n")
        print(f"  {t}: {n} rows", file=sys.stderr)
    w.write("SET session_replication_role = origin;\n")
    w.close()
    if p.wait() != 0:
        sys.exit("sqlite_to_pg: psql failed")
    seqs = psql(exe, url, "SELECT table_name || ' ' || column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%'"
                " OR is_identity = 'YES')")
    for line in seqs.split("\n"):
        if line.strip():
            t, c = line.split()
            psql(exe, url, f"SELECT setval(pg_get_serial_sequence('{t}', '{c}'),"
                           f" greatest((SELECT max({c}) FROM {t}), 1))")
    psql(exe, url, "ANALYZE")


if __name__ == "__main__":
    main()
