"""The audit chain under concurrent writers (issue #16; store/audit.c "Sealing"): on PostgreSQL
a writer only inserts its entry into audit_pending, in its own transaction, and answers; the
server's sealer thread links the entries into the chain after the commits, in batches. On
SQLite the entry is linked at once. Either way a reader of the audit (GET /audit, a history, a
report) sees every entry committed before it, chained (seq, prev_hash, hash); an entry of a
rolled-back request is nowhere; `osb check` seals what a stopped server left and finds
altered, deleted and reordered rows. These tests run on both backends (the harness's direct
reads of the audit table wait until nothing is pending, lib.audit_settled)."""

import threading

import lib
from lib import check, eq


def max_seq(t):
    return t.sql("SELECT max(seq) FROM audit")[0][0]


def osb_check(t):
    rc, out, err = t.osb("check", "--db", t.server.db, timeout=120)
    return rc, out + err


def chain_is_whole(t, what):
    seqs = [r[0] for r in t.sql("SELECT seq FROM audit ORDER BY seq")]
    eq(seqs, list(range(1, len(seqs) + 1)), f"{what}: seq gapless from 1")
    eq(t.sql("SELECT count(*) FROM audit_pending")[0][0], 0, f"{what}: nothing left pending")
    rc, out = osb_check(t)
    eq(rc, 0, f"{what}: osb check is clean ({out})")


def test_concurrent_writers_all_commit_and_the_chain_verifies(t):
    writers, rounds = 4, 6
    custs = [lib.customer(t) for _ in range(writers)]
    t.login("csr_a")
    t.login("auditor")
    start = max_seq(t)
    barrier = threading.Barrier(writers)
    answers, errors = [[] for _ in range(writers)], []

    def write(k):
        try:
            barrier.wait(timeout=30)
            for i in range(rounds):
                r = t.patch(f"/customers/{custs[k]}", {"owner": f"并发{k}-{i}"}, user="csr_a")
                answers[k].append((r.status, lib.short(r.body)))
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    check(not errors, f"writers failed: {errors}")
    for k in range(writers):
        eq([s for s, _ in answers[k]], [200] * rounds, f"writer {k} committed every time: "
           f"{answers[k]}")
    eq(max_seq(t), start + writers * rounds, "one chained entry per write, none lost")
    for k, c in enumerate(custs):
        rows = t.ok(t.get(f"/audit?object_type=customer&object_key={c}&action=update&limit=100",
                          user="auditor"))["items"]
        eq([x["after"]["owner"] for x in rows], [f"并发{k}-{i}" for i in range(rounds)],
           f"{c}: its updates in order")
        for x in rows:
            check(len(x["hash"]) == 64 and len(x["prev_hash"]) == 64, "sealed: hash and prev_hash")
    chain_is_whole(t, "after the race")


def test_osb_check_seals_what_a_stopped_server_left(t):
    t.login("auditor")
    start = max_seq(t)
    # an entry written but never sealed (a server that stopped between commit and seal)
    lib.sql_exec(t, "INSERT INTO audit_pending(at, actor, action, object_type, object_key,"
                    " after) VALUES(?, 'csr_a', 'update', 'customer', 'GZ01', ?)",
                 (1796083200000000, '{"owner":"未封存"}'))
    rc, out = osb_check(t)
    eq(rc, 0, f"osb check seals it and is clean ({out})")
    eq(max_seq(t), start + 1, "the entry is now the chain's last row")
    rows = t.ok(t.get(f"/audit?object_type=customer&object_key=GZ01&limit=1000",
                      user="auditor"))["items"]
    eq((rows[-1]["seq"], rows[-1]["after"]), (start + 1, {"owner": "未封存"}), "readable as any")
    chain_is_whole(t, "after sealing")


def test_osb_check_finds_altered_deleted_and_reordered_rows(t):
    for n in range(3):
        t.ok(t.patch("/customers/GZ02", {"owner": f"篡改{n}"}, user="csr_a"))
    b = max_seq(t)
    a = b - 1
    cols = ("seq, at, actor, on_behalf_of, ip, request_id, action, object_type, object_key,"
            " before, after, prev_hash, hash")
    row_a = t.sql(f"SELECT {cols} FROM audit WHERE seq = ?", (a,))[0]

    # altered
    lib.sql_exec(t, "UPDATE audit SET actor = 'mallory' WHERE seq = ?", (a,))
    rc, out = osb_check(t)
    eq(rc, 1, f"an altered row fails the check ({out})")
    check(f"seq={a}:" in out and "altered" in out, f"names seq {a}: {out!r}")
    lib.sql_exec(t, "UPDATE audit SET actor = ? WHERE seq = ?", (row_a[2], a))

    # reordered: rows a and b swap places
    lib.sql_exec(t, "UPDATE audit SET seq = 0 - seq WHERE seq = ?", (a,))
    lib.sql_exec(t, "UPDATE audit SET seq = ? WHERE seq = ?", (a, b))
    lib.sql_exec(t, "UPDATE audit SET seq = ? WHERE seq = ?", (b, -a))
    rc, out = osb_check(t)
    eq(rc, 1, f"reordered rows fail the check ({out})")
    check(f"seq={a}:" in out, f"names seq {a}: {out!r}")
    lib.sql_exec(t, "UPDATE audit SET seq = 0 - seq WHERE seq = ?", (a,))
    lib.sql_exec(t, "UPDATE audit SET seq = ? WHERE seq = ?", (a, b))
    lib.sql_exec(t, "UPDATE audit SET seq = ? WHERE seq = ?", (b, -a))

    # deleted
    lib.sql_exec(t, "DELETE FROM audit WHERE seq = ?", (a,))
    rc, out = osb_check(t)
    eq(rc, 1, f"a deleted row fails the check ({out})")
    check(f"seq={b}:" in out and "gap" in out, f"the row after the gap is named: {out!r}")
    lib.sql_exec(t, f"INSERT INTO audit({cols}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", row_a)

    chain_is_whole(t, "restored")


def test_entries_another_process_left_are_chained_for_the_next_reader(t):
    t.login("auditor")
    start = max_seq(t)
    key = t.uniq("AP")
    # an entry committed but not chained (another instance that crashed before its sealer ran)
    lib.sql_exec(t, "INSERT INTO audit_pending(at, actor, action, object_type, object_key,"
                    " after) VALUES(?, 'csr_a', 'update', 'customer', ?, ?)",
                 (1796083200000000, key, '{"owner":"他处留下"}'))
    if lib.is_url(t.server.db):
        # PostgreSQL: the server's sealer looks for such entries every second, with no reader
        lib.audit_settled(t, timeout=10)
    rows = t.ok(t.get(f"/audit?object_type=customer&object_key={key}", user="auditor"))["items"]
    eq([(x["seq"], x["after"]) for x in rows], [(start + 1, {"owner": "他处留下"})],
       "the next reader sees it chained")
    check(len(rows[0]["hash"]) == 64, "with its hash")
    chain_is_whole(t, "after the reader")


def test_a_rolled_back_request_leaves_no_entry(t):
    for u in ("admin", "auditor", "csr_a"):
        t.login(u)  # a login is audited: before counting
    good, bad = t.uniq("RB"), t.uniq("RB")
    head = "code,name,market,region,kam,credit_limit_fen,payment_term_days"
    text = f"{head}\n{good},回滚好行,S,GZ,kam_GZ,0,30\n{bad},回滚坏行,S,GZ,kam_GZ,0,400\n"
    start = max_seq(t)
    r = t.request("POST", "/customers/import", raw=text.encode("utf-8"), content_type="text/csv",
                  user="admin")
    t.expect_error(r, 422, "validation_failed")
    for table in ("audit", "audit_pending"):
        eq(t.sql(f"SELECT count(*) FROM {table} WHERE object_key IN (?, ?)", (good, bad))[0][0],
           0, f"no entry of the import in {table}")
    eq(t.ok(t.get(f"/audit?object_key={good}", user="auditor"))["items"], [], "none to read")
    eq(max_seq(t), start, "the chain did not grow")
    # the next request's entry follows the chain's end
    t.ok(t.patch("/customers/GZ02", {"owner": "回滚之后"}, user="csr_a"))
    eq(max_seq(t), start + 1, "the next entry is the next seq")
    chain_is_whole(t, "after the rollback")
