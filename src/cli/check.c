/*
 * check.c — `osb check`: every invariant the store promises, one line per problem.
 *   schema   the database is at this binary's schema version
 *   keys     SQLite's integrity and foreign-key checks (not on PostgreSQL, which enforces its
 *            foreign keys itself)
 *   audit    the hash chain is unbroken and no row was altered
 *   stock    each lot's on_hand and reserved equal the sums of its moves
 *   ledger   each customer's entries have a gapless seq and a running balance that chains;
 *            the last balance equals open receivables − unapplied receipts and credit notes;
 *            every invoice, receipt and credit note is posted once with its amount; an
 *            invoice's settled_fen / credited_fen are the sums of its live allocations and its
 *            open amount and state agree; a source's unapplied_fen is its amount less its live
 *            allocations and (receipts) what paid refunds drew from it (so allocations never
 *            exceed an invoice or a source); an allocation's customer is its invoice's (the
 *            salesperson reports sum collections by it); every paid refund is debited once
 *            with its amount and drew exactly that; an invoice's written_off_fen is the sum of
 *            its approved write-offs, each credited once with its amount; a reversed receipt
 *            is undone by one payment_reversal debit of its amount and holds no live
 *            allocation and no unapplied money (api.md §5.5), a registered one has no reversal
 *   budgets  each expense budget's committed_fen and actual_fen equal the sums of the expense
 *            applications and POP requests charged to it (flows.md §13, §15)
 */
#include "cli/cli.h"

#include "core/sb.h"
#include "store/audit.h"
#include "store/market.h"
#include "store/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int problems;

static void report(const char *area, const char *fmt, const char *a, long long n)
{
    fprintf(stdout, "FAIL %s: ", area);
    fprintf(stdout, fmt, a, n);
    fputc('\n', stdout);
    problems++;
}

static void audit_bad(int64_t seq, const char *why, void *arg)
{
    (void)arg;
    printf("FAIL audit: row seq=%lld: %s\n", (long long)seq, why);
    problems++;
}

static void audit_unsealed(int64_t id, void *arg)
{
    (void)arg;
    printf("FAIL audit: entry %lld of audit_pending is not sealed into the chain\n", (long long)id);
    problems++;
}

static int check_stock(struct db *db, struct osb_err *e)
{
    struct dbq *q = db_query(
        db, e,
        "SELECT l.warehouse || '/' || l.sku || '/' || l.batch, l.on_hand, l.reserved,"
        " coalesce(sum(CASE WHEN m.kind IN ('receipt','return_in','adjust_in','transfer_in')"
        "   THEN m.qty WHEN m.kind IN ('ship','adjust_out','transfer_out') THEN -m.qty"
        "   ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN m.kind = 'reserve' THEN m.qty WHEN m.kind IN ('unreserve',"
        "   'ship') THEN -m.qty ELSE 0 END), 0)"
        " FROM stock_lots l LEFT JOIN stock_moves m ON m.warehouse = l.warehouse"
        "   AND m.sku = l.sku AND m.batch = l.batch GROUP BY l.id",
        NULL);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        if (dbq_int(q, 1) != dbq_int(q, 3)) {
            printf("FAIL stock: lot %s: on_hand %lld but its moves sum to %lld\n", dbq_text(q, 0),
                   (long long)dbq_int(q, 1), (long long)dbq_int(q, 3));
            problems++;
        }
        if (dbq_int(q, 2) != dbq_int(q, 4)) {
            printf("FAIL stock: lot %s: reserved %lld but its moves sum to %lld\n", dbq_text(q, 0),
                   (long long)dbq_int(q, 2), (long long)dbq_int(q, 4));
            problems++;
        }
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

/* Prints each row of sql (a text column 0 naming the thing, then the figures) as a problem. */
static int each_problem(struct db *db, struct osb_err *e, const char *fmt, const char *sql)
{
    struct dbq *q = db_query(db, e, sql, NULL);
    if (!q)
        return -1;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        printf("FAIL ledger: ");
        printf(fmt, dbq_text(q, 0), (long long)dbq_int(q, 1), (long long)dbq_int(q, 2));
        putchar('\n');
        problems++;
    }
    dbq_end(q);
    return rc < 0 ? -1 : 0;
}

#define OPEN "(i.amount_fen - i.settled_fen - i.credited_fen - i.written_off_fen)"

static int check_ledger(struct db *db, struct osb_err *e)
{
    /* The chain: seq 1, 2, 3 … per customer; balance = previous + debit − credit. */
    struct dbq *q = db_query(db, e,
                             "SELECT customer, seq, debit_fen, credit_fen, balance_fen FROM ledger"
                             " ORDER BY customer, seq",
                             NULL);
    if (!q)
        return -1;
    char *cust = xstrdup(""); /* the customer whose rows are being read */
    int64_t want_seq = 0, bal = 0;
    int rc;
    while ((rc = dbq_next(q, e)) == 1) {
        const char *c = dbq_text(q, 0);
        if (strcmp(c, cust) != 0) {
            free(cust);
            cust = xstrdup(c);
            want_seq = 1;
            bal = 0;
        }
        int64_t seq = dbq_int(q, 1), d = dbq_int(q, 2), cr = dbq_int(q, 3), b = dbq_int(q, 4);
        if (seq != want_seq) {
            printf("FAIL ledger: customer %s: seq %lld where %lld was due (gap or repeat)\n", cust,
                   (long long)seq, (long long)want_seq);
            problems++;
        }
        if (__builtin_add_overflow(bal, d, &bal) || __builtin_sub_overflow(bal, cr, &bal)) {
            printf("FAIL ledger: customer %s: the balance overflows at seq %lld\n", cust,
                   (long long)seq);
            problems++;
            bal = b;
        }
        if (b != bal) {
            printf("FAIL ledger: customer %s seq %lld: balance %lld but debits − credits make "
                   "%lld\n",
                   cust, (long long)seq, (long long)b, (long long)bal);
            problems++;
            bal = b;
        }
        want_seq = seq + 1;
    }
    dbq_end(q);
    free(cust);
    if (rc < 0)
        return -1;
    if (each_problem(
            db, e, "customer %s: ledger balance %lld but open receivables − unapplied = %lld",
            "SELECT * FROM (SELECT c.code, coalesce((SELECT l.balance_fen FROM ledger l WHERE"
            "  l.customer = c.code ORDER BY l.seq DESC LIMIT 1), 0) AS bal,"
            " coalesce((SELECT sum(" OPEN ") FROM invoices i WHERE i.customer = c.code),"
            "  0) - coalesce((SELECT sum(p.unapplied_fen) FROM payments p WHERE"
            "  p.customer = c.code AND p.state = 'registered'), 0)"
            " - coalesce((SELECT sum(n.unapplied_fen) FROM credit_notes n WHERE"
            "  n.customer = c.code), 0) AS want FROM customers c) AS x WHERE bal <> want") < 0 ||
        each_problem(db, e, "customer %s: Σ debit − Σ credit = %lld but the last balance is %lld",
                     "SELECT * FROM (SELECT customer, sum(debit_fen) - sum(credit_fen) AS s,"
                     " (SELECT l2.balance_fen FROM ledger l2 WHERE l2.customer = l.customer"
                     "  ORDER BY l2.seq DESC LIMIT 1) AS last FROM ledger l GROUP BY customer)"
                     " AS x WHERE s <> last") < 0 ||
        each_problem(db, e, "invoice %s: amount %lld but the ledger debits %lld",
                     "SELECT * FROM (SELECT i.number, i.amount_fen, coalesce((SELECT sum(debit_fen)"
                     " FROM ledger l WHERE l.document = i.number AND l.kind = 'invoice'), 0) AS d"
                     " FROM invoices i) AS x WHERE d <> amount_fen") < 0 ||
        each_problem(
            db, e, "receipt %s: amount %lld but the ledger credits %lld",
            "SELECT * FROM (SELECT p.number, p.amount_fen, coalesce((SELECT sum(credit_fen)"
            " FROM ledger l WHERE l.document = p.number AND l.kind IN ('payment',"
            "'expense_credit')), 0) AS cr FROM payments p) AS x WHERE cr <> amount_fen") < 0 ||
        each_problem(
            db, e, "credit note %s: amount %lld but the ledger credits %lld",
            "SELECT * FROM (SELECT n.number, n.amount_fen, coalesce((SELECT sum(credit_fen)"
            " FROM ledger l WHERE l.document = n.number AND l.kind = 'credit_note'), 0)"
            " AS cr FROM credit_notes n) AS x WHERE cr <> amount_fen") < 0 ||
        each_problem(db, e, "allocation %s: its customer is not its invoice's",
                     "SELECT a.id || ' (' || a.customer || ' on invoice ' || a.invoice || ' of '"
                     " || i.customer || ')', a.amount_fen, 0 FROM allocations a JOIN invoices i"
                     " ON i.number = a.invoice WHERE a.customer <> i.customer") < 0 ||
        each_problem(db, e, "invoice %s: settled_fen %lld but its allocations sum to %lld",
                     "SELECT * FROM (SELECT i.number, i.settled_fen, coalesce((SELECT"
                     " sum(a.amount_fen) FROM allocations a WHERE a.invoice = i.number AND"
                     " a.own = 0 AND a.reversed_by IS NULL), 0) AS s FROM invoices i) AS x"
                     " WHERE s <> settled_fen") < 0 ||
        each_problem(db, e, "invoice %s: credited_fen %lld but its credit notes applied %lld",
                     "SELECT * FROM (SELECT i.number, i.credited_fen, coalesce((SELECT"
                     " sum(a.amount_fen) FROM allocations a WHERE a.invoice = i.number AND"
                     " a.own = 1 AND a.reversed_by IS NULL), 0) AS s FROM invoices i) AS x"
                     " WHERE s <> credited_fen") < 0 ||
        each_problem(db, e, "invoice %s: open %lld outside 0..amount %lld",
                     "SELECT i.number, " OPEN ", i.amount_fen FROM invoices i"
                     " WHERE " OPEN " < 0 OR " OPEN " > i.amount_fen OR i.amount_fen <= 0") < 0 ||
        each_problem(db, e, "invoice %s: state does not match open %lld of %lld",
                     "SELECT i.number || ' (' || i.state || ')', " OPEN ", i.amount_fen"
                     " FROM invoices i WHERE i.state <> CASE"
                     " WHEN i.credited_fen >= i.amount_fen THEN 'cancelled'"
                     " WHEN " OPEN " <= 0 THEN 'paid'"
                     " WHEN " OPEN " < i.amount_fen THEN 'partial' ELSE 'open' END"
                     " AND i.state <> 'written_off'") < 0 ||
        each_problem(db, e, "receipt %s: unapplied %lld but amount − allocations − refunds = %lld",
                     "SELECT number, unapplied_fen, u FROM (SELECT p.number, p.unapplied_fen,"
                     " p.amount_fen, p.amount_fen - coalesce((SELECT sum(a.amount_fen) FROM"
                     " allocations a WHERE a.source_kind = 'payment' AND a.source = p.number AND"
                     " a.reversed_by IS NULL), 0) - coalesce((SELECT sum(d.amount_fen) FROM"
                     " refund_draws d WHERE d.payment = p.number), 0) AS u FROM payments p"
                     " WHERE p.state = 'registered') AS x"
                     " WHERE u <> unapplied_fen OR unapplied_fen < 0"
                     " OR unapplied_fen > amount_fen") < 0 ||
        /* Corrections (api.md §5.5): a reversed receipt is undone by one payment_reversal
           debit of its amount, keeps no live allocation and no unapplied money; a registered
           one has no reversal. Re-allocations are covered above: settled_fen and
           unapplied_fen are the sums of the live allocations. */
        each_problem(db, e, "receipt %s: amount %lld but its payment_reversal debits %lld",
                     "SELECT * FROM (SELECT p.number || ' (' || p.state || ')', p.amount_fen,"
                     " coalesce((SELECT sum(debit_fen) FROM ledger l WHERE l.document ="
                     " p.number AND l.kind = 'payment_reversal'), 0) AS d, p.state"
                     " FROM payments p) AS x"
                     " WHERE d <> CASE WHEN state = 'reversed' THEN amount_fen ELSE 0 END") < 0 ||
        each_problem(db, e, "reversed receipt %s: unapplied %lld, live allocations %lld",
                     "SELECT * FROM (SELECT p.number, p.unapplied_fen, coalesce((SELECT"
                     " sum(a.amount_fen) FROM allocations a WHERE a.source_kind = 'payment' AND"
                     " a.source = p.number AND a.reversed_by IS NULL), 0) AS live"
                     " FROM payments p WHERE p.state = 'reversed') AS x"
                     " WHERE unapplied_fen <> 0 OR live <> 0") < 0 ||
        each_problem(db, e, "credit note %s: unapplied %lld but amount − allocations = %lld",
                     "SELECT number, unapplied_fen, u FROM (SELECT n.number, n.unapplied_fen,"
                     " n.amount_fen, n.amount_fen - coalesce((SELECT sum(a.amount_fen) FROM"
                     " allocations a WHERE a.source_kind = 'credit_note' AND a.source = n.number"
                     " AND a.reversed_by IS NULL), 0) AS u FROM credit_notes n) AS x"
                     " WHERE u <> unapplied_fen OR unapplied_fen < 0"
                     " OR unapplied_fen > amount_fen") < 0 ||
        /* Refunds (TK) and write-offs (HX), flows.md §4.7. */
        each_problem(db, e, "refund %s: amount %lld but the ledger debits %lld",
                     "SELECT * FROM (SELECT r.number, r.amount_fen, coalesce((SELECT"
                     " sum(debit_fen) FROM ledger l WHERE l.document = r.number AND"
                     " l.kind = 'prepayment_refund'), 0) AS d, r.state FROM refunds r) AS x"
                     " WHERE d <> CASE WHEN state = 'paid' THEN amount_fen ELSE 0 END") < 0 ||
        each_problem(db, e, "refund %s: amount %lld but it drew %lld from receipts",
                     "SELECT * FROM (SELECT r.number, r.amount_fen, coalesce((SELECT"
                     " sum(d.amount_fen) FROM refund_draws d WHERE d.refund = r.number), 0) AS s,"
                     " r.state FROM refunds r) AS x"
                     " WHERE s <> CASE WHEN state = 'paid' THEN amount_fen ELSE 0 END") < 0 ||
        each_problem(db, e, "write-off %s: amount %lld but the ledger credits %lld",
                     "SELECT * FROM (SELECT w.number, w.amount_fen, coalesce((SELECT"
                     " sum(credit_fen) FROM ledger l WHERE l.document = w.number AND"
                     " l.kind = 'write_off'), 0) AS cr, w.state FROM write_offs w) AS x"
                     " WHERE cr <> CASE WHEN state = 'approved' THEN amount_fen ELSE 0 END") < 0 ||
        each_problem(db, e, "invoice %s: written_off_fen %lld but its write-offs sum to %lld",
                     "SELECT * FROM (SELECT i.number, i.written_off_fen, coalesce((SELECT"
                     " sum(w.amount_fen) FROM write_offs w WHERE w.invoice = i.number AND"
                     " w.state = 'approved'), 0) AS s FROM invoices i) AS x"
                     " WHERE s <> written_off_fen") < 0)
        return -1;
    return 0;
}

static int check_keys(struct db *db, struct osb_err *e)
{
    json_t *ic = db_rows(db, e, "PRAGMA quick_check", NULL);
    if (!ic)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach(ic, i, row)
    {
        const char *msg = json_string_value(json_object_get(row, "quick_check"));
        if (msg && strcmp(msg, "ok") != 0)
            report("keys", "integrity: %s%lld", msg, 0);
    }
    json_decref(ic);
    json_t *fk = db_rows(db, e, "PRAGMA foreign_key_check", NULL);
    if (!fk)
        return -1;
    json_array_foreach(fk, i, row)
    {
        printf("FAIL keys: %s row %lld refers to a missing %s\n",
               json_string_value(json_object_get(row, "table")),
               (long long)json_integer_value(json_object_get(row, "rowid")),
               json_string_value(json_object_get(row, "parent")));
        problems++;
    }
    json_decref(fk);
    return 0;
}

static int check_budgets(struct db *db, struct osb_err *e)
{
    json_t *bad = store_budget_mismatches(db, e);
    if (!bad)
        return -1;
    size_t i;
    json_t *b;
    json_array_foreach(bad, i, b)
    {
        printf("FAIL budgets: %s: committed %lld / actual %lld but its documents sum to %lld / "
               "%lld\n",
               json_string_value(json_object_get(b, "code")),
               (long long)json_integer_value(json_object_get(b, "committed_fen")),
               (long long)json_integer_value(json_object_get(b, "actual_fen")),
               (long long)json_integer_value(json_object_get(b, "sum_committed_fen")),
               (long long)json_integer_value(json_object_get(b, "sum_actual_fen")));
        problems++;
    }
    json_decref(bad);
    return 0;
}

int cmd_check(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse("check", argc, argv, "db=", &o) < 0)
        return EXIT_USAGE;
    struct osb_err e = OSB_ERR_INIT;
    struct db *db;
    struct config cfg;
    if (cli_open(cli_opt(&o, "db"), &db, &cfg, &e) < 0)
        return cli_fail(&e);
    problems = 0;
    int64_t v = 0;
    if (schema_version(db, &e, &v) < 0)
        goto fail;
    if (v != schema_latest())
        report("schema", "version %s%lld is not this binary's", "", (long long)v);
    /* keys: SQLite's own checks. PostgreSQL enforces its foreign keys and has no quick_check
       (its page checksums are the server's business), so there is nothing to run there. */
    if (!db_postgres(db) && check_keys(db, &e) < 0)
        goto fail;
    /* Entries a stopped PostgreSQL server wrote but did not seal are linked first; what is
       left unsealed after that is reported. */
    if (v == schema_latest() && audit_seal(db, &e) < 0)
        goto fail;
    if (audit_verify(db, &e, audit_bad, audit_unsealed, NULL) < 0 || check_stock(db, &e) < 0 ||
        check_ledger(db, &e) < 0 || check_budgets(db, &e) < 0)
        goto fail;
    db_close(db);
    if (problems) {
        printf("%d problem(s) found\n", problems);
        return EXIT_RULE;
    }
    printf("ok: schema %lld, keys, audit chain, stock, ledger, budgets\n", (long long)v);
    return 0;
fail:
    db_close(db);
    return cli_fail(&e);
}
