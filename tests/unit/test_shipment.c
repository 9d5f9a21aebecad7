/*
 * test_shipment.c — table tests for rules/shipment.c: the SP state machine of flows.md §3.2
 * (which action runs from which state, and where it lands), pick planning (named batches,
 * the unnamed rest from the line's FEFO reservation then free stock, the reservation following
 * the pick, and every refusal), the count trimming picks, and cases / loose units.
 */
#include "expect.h"

#include <string.h>

#include "rules/backorder.h"
#include "rules/shipment.h"

/* ---- state machine -------------------------------------------------------------------- */

/* Every role's symbol in the matrix row of an action, spelled as numbering-and-rules §3 prints
   it (GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS). */
static bool row_is(enum perm_action p, const char *want)
{
    char got[ROLE__COUNT + 1];
    for (int r = 0; r < ROLE__COUNT; r++)
        got[r] = perm_symbol(p, (enum role)r);
    got[ROLE__COUNT] = 0;
    return strcmp(got, want) == 0;
}

static void test_state_machine(void **state)
{
    (void)state;
    int bad = 0;
    /* One row per action, transcribed from flows.md §3.2 (states; the re-pick row checked →
       picked folded into pick) and numbering-and-rules.md §3 "SP" (who). */
    static const struct {
        const char *action;
        const char *from[4];
        const char *to; /* NULL: stays */
        const char *roles;
        const char *fields[6];
    } rows[] = {
        {"receive", {"new"}, "received", "----------Y--R--", {NULL}},
        {"pick", {"received", "picked", "checked"}, "picked", "----------Y--R--", {"lines"}},
        {"check", {"picked", "checked"}, "checked", "----------Y--R--", {"lines"}},
        {"book", {"checked"}, "booked", "----------Y--R--", {"carrier", "station", "waybill"}},
        {"dispatch", {"booked"}, "dispatched", "----------Y--R--", {NULL}},
        {"track", {"dispatched"}, NULL, "---YY-----Y--R--", {"status", "location", "at"}},
        {"deliver", {"dispatched"}, "delivered", "---YY-----Y--R-O", {"signed_by", "at"}},
        {"short-close", {"picked", "checked"}, "cancelled", "----------Y--R--", {NULL}},
        /* api.md §5.5 (corrections): the §3 row plus the warehouse */
        {"report-discrepancy", {"delivered"}, NULL, "----Y--O--Y--R-O", {"lines", "note"}},
    };
    const struct doc_type *t = &shipment_doc;
    expect(&bad, ROWS(rows) == SA__COUNT && t->nactions == SA__COUNT, "every action has a row");
    for (size_t i = 0; i < ROWS(rows); i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(&bad, a >= 0, "%s parses", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        expect(&bad,
               rows[i].to ? d->to == doc_state_parse(t, rows[i].to) : d->to == DOC_TO_SAME,
               "%s lands in %s", rows[i].action, rows[i].to ? rows[i].to : "the same state");
        expect(&bad, row_is(d->perm, rows[i].roles), "%s permission row", rows[i].action);
        expect(&bad, !(d->flags & DOC_PROXY), "%s is never signed by proxy", rows[i].action);
        for (size_t k = 0; k < 6 && rows[i].fields[k]; k++)
            expect(&bad, doc_action_field(t, a, rows[i].fields[k]), "%s takes %s",
                   rows[i].action, rows[i].fields[k]);
        expect(&bad, !doc_action_field(t, a, "qty"), "%s takes no bare qty", rows[i].action);
        for (int s = 0; s < SS__COUNT; s++) {
            bool want = false;
            for (size_t k = 0; k < 4 && rows[i].from[k]; k++)
                want = want || strcmp(rows[i].from[k], shipment_state_str(s)) == 0;
            expect(&bad, doc_action_from(t, a, s) == want, "%s from %s: want %d",
                   rows[i].action, shipment_state_str(s), want);
        }
    }
    expect(&bad, strcmp(shipment_step(SA_RECEIVE), "SP1") == 0 &&
                     strcmp(shipment_step(SA_DELIVER), "SP7") == 0,
           "timeline steps");
    expect(&bad, doc_action_parse(t, "fly") == -1, "unknown action");
    for (int s = 0; s < SS__COUNT; s++)
        expect(&bad, shipment_state_parse(shipment_state_str(s)) == s, "state %d round trip", s);
    expect(&bad, shipment_state_parse("flying") == SS_NONE, "unknown state");
    assert_int_equal(bad, 0);
}

/* flows.md §3.3 and api.md §4: three states (no "scheduled"); schedule (csr, ssg_leader) keeps
   the backorder open, cancel (ssg_leader, with a reason) ends it; fulfilled has no action. */
static void test_backorder_table(void **state)
{
    (void)state;
    int bad = 0;
    const struct doc_type *t = &backorder_doc;
    expect(&bad,
           BS__COUNT == 3 && strcmp(backorder_state_str(BS_OPEN), "open") == 0 &&
               strcmp(backorder_state_str(BS_FULFILLED), "fulfilled") == 0 &&
               strcmp(backorder_state_str(BS_CANCELLED), "cancelled") == 0,
           "backorder states");
    expect(&bad, backorder_state_parse("scheduled") == BS_NONE, "no scheduled state");
    static const struct {
        const char *action, *from, *to, *roles, *field;
    } rows[] = {
        {"schedule", "open", NULL, "---YY--------R--", NULL},
        {"cancel", "open", "cancelled", "---Y---------R--", "reason"},
    };
    expect(&bad, t->nactions == ROWS(rows), "two actions");
    for (size_t i = 0; i < ROWS(rows); i++) {
        int a = doc_action_parse(t, rows[i].action);
        expect(&bad, a >= 0, "%s parses", rows[i].action);
        if (a < 0)
            continue;
        const struct doc_action *d = &t->actions[a];
        expect(&bad, d->from == DOC_BIT(doc_state_parse(t, rows[i].from)), "%s from %s",
               rows[i].action, rows[i].from);
        expect(&bad, rows[i].to ? d->to == doc_state_parse(t, rows[i].to) : d->to == DOC_TO_SAME,
               "%s lands", rows[i].action);
        expect(&bad, row_is(d->perm, rows[i].roles), "%s permission row", rows[i].action);
        expect(&bad, !rows[i].field || doc_action_field(t, a, rows[i].field), "%s takes %s",
               rows[i].action, rows[i].field ? rows[i].field : "");
    }
    for (size_t a = 0; a < t->nactions; a++)
        expect(&bad, !doc_action_from(t, (int)a, BS_FULFILLED) &&
                         !doc_action_from(t, (int)a, BS_CANCELLED),
               "nothing acts on an ended backorder");
    assert_int_equal(bad, 0);
}

/* ---- pick planning ---------------------------------------------------------------------- */

#define NL 3 /* lots per row, in FEFO order: A (earliest expiry), B, C */

struct lot_in {
    bool ok;
    int64_t free, reserved, want;
};

static void test_pick_plan(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *name;
        struct lot_in lots[NL];
        int64_t unnamed, requested;
        enum pick_result result;
        size_t bad_lot;
        int64_t pick[NL], reserve[NL];
    } rows[] = {
        {"all unnamed from the reservation",
         {{true, 0, 24, 0}, {true, 100, 24, 0}, {true, 100, 0, 0}},
         48,
         48,
         PICK_OK,
         NL,
         {24, 24, 0},
         {24, 24, 0}},
        {"unnamed takes reservation before earlier free stock",
         {{true, 50, 0, 0}, {true, 100, 24, 0}, {true, 0, 0, 0}},
         24,
         24,
         PICK_OK,
         NL,
         {0, 24, 0},
         {0, 24, 0}},
        {"unnamed beyond the reservation comes from free stock FEFO",
         {{true, 10, 12, 0}, {true, 100, 0, 0}, {true, 100, 0, 0}},
         30,
         36,
         PICK_OK,
         NL,
         {22, 8, 0},
         {22, 8, 0}},
        {"named other batch moves the reservation",
         {{true, 0, 24, 0}, {true, 100, 24, 0}, {true, 100, 0, 24}},
         24,
         48,
         PICK_OK,
         NL,
         {24, 0, 24},
         {24, 0, 24}},
        {"short pick keeps the unused reservation until dispatch",
         {{true, 0, 24, 0}, {true, 100, 24, 0}, {true, 100, 0, 0}},
         12,
         48,
         PICK_OK,
         NL,
         {12, 0, 0},
         {24, 24, 0}},
        {"short named pick elsewhere keeps only up to the old total",
         {{true, 0, 24, 0}, {true, 100, 24, 0}, {true, 100, 0, 36}},
         0,
         48,
         PICK_OK,
         NL,
         {0, 0, 36},
         {12, 0, 36}},
        {"nothing picked keeps the reservation",
         {{true, 0, 24, 0}, {true, 0, 0, 0}, {true, 0, 0, 0}},
         0,
         24,
         PICK_OK,
         NL,
         {0, 0, 0},
         {24, 0, 0}},
        {"named equal to reservation needs no free stock",
         {{true, 0, 24, 24}, {true, 0, 0, 0}, {true, 0, 0, 0}},
         0,
         24,
         PICK_OK,
         NL,
         {24, 0, 0},
         {24, 0, 0}},
        {"named exactly the free stock plus the reservation",
         {{true, 6, 24, 30}, {true, 0, 0, 0}, {true, 0, 0, 0}},
         0,
         30,
         PICK_OK,
         NL,
         {30, 0, 0},
         {30, 0, 0}},
        {"named one above free + reserved",
         {{true, 6, 24, 31}, {true, 0, 0, 0}, {true, 0, 0, 0}},
         0,
         31,
         PICK_INSUFFICIENT,
         0,
         {0},
         {0}},
        {"named lot in quarantine",
         {{true, 10, 0, 0}, {false, 50, 0, 5}, {true, 0, 0, 0}},
         0,
         10,
         PICK_NOT_AVAILABLE,
         1,
         {0},
         {0}},
        {"unnamed skips a quarantined lot",
         {{false, 50, 0, 0}, {true, 10, 0, 0}, {true, 5, 0, 0}},
         12,
         12,
         PICK_OK,
         NL,
         {0, 10, 2},
         {0, 10, 2}},
        {"unnamed rest not in stock",
         {{true, 5, 0, 0}, {true, 5, 0, 0}, {false, 50, 0, 0}},
         11,
         12,
         PICK_INSUFFICIENT,
         NL,
         {0},
         {0}},
        {"named plus unnamed above the request",
         {{true, 100, 0, 10}, {true, 100, 0, 0}, {true, 0, 0, 0}},
         3,
         12,
         PICK_EXCEEDS_REQUESTED,
         NL,
         {0},
         {0}},
        {"exactly the request",
         {{true, 100, 0, 10}, {true, 100, 0, 0}, {true, 0, 0, 0}},
         2,
         12,
         PICK_OK,
         NL,
         {12, 0, 0},
         {12, 0, 0}},
        {"negative unnamed",
         {{true, 100, 0, 0}, {true, 0, 0, 0}, {true, 0, 0, 0}},
         -1,
         12,
         PICK_EXCEEDS_REQUESTED,
         NL,
         {0},
         {0}},
    };
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct pick_lot pl[NL];
        for (size_t k = 0; k < NL; k++)
            pl[k] = (struct pick_lot){rows[i].lots[k].ok,
                                      rows[i].lots[k].free,
                                      rows[i].lots[k].reserved,
                                      rows[i].lots[k].want,
                                      -1,
                                      -1};
        size_t badlot = 99;
        enum pick_result r = pick_plan(pl, NL, rows[i].unnamed, rows[i].requested, &badlot);
        expect(&bad, r == rows[i].result, "%s: result %d want %d", rows[i].name, r, rows[i].result);
        if (r != PICK_OK) {
            expect(&bad, badlot == rows[i].bad_lot, "%s: bad lot %zu want %zu", rows[i].name,
                   badlot, rows[i].bad_lot);
            continue;
        }
        for (size_t k = 0; k < NL; k++) {
            expect(&bad, pl[k].pick == rows[i].pick[k] && pl[k].reserve == rows[i].reserve[k],
                   "%s: lot %zu pick %lld reserve %lld, want %lld %lld", rows[i].name, k,
                   (long long)pl[k].pick, (long long)pl[k].reserve, (long long)rows[i].pick[k],
                   (long long)rows[i].reserve[k]);
            /* The postconditions the stock moves rely on. */
            expect(&bad, pl[k].reserve >= pl[k].pick, "%s: lot %zu reserve >= pick", rows[i].name,
                   k);
            expect(&bad, pl[k].reserve - pl[k].reserved <= pl[k].free,
                   "%s: lot %zu takes no more than is free", rows[i].name, k);
        }
    }
    assert_int_equal(bad, 0);
}

static void test_pick_trim(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        const char *name;
        int64_t pick[NL], count, want[NL];
    } rows[] = {
        {"count equals pick", {12, 24, 0}, 36, {12, 24, 0}},
        {"latest-expiring lot first", {12, 24, 0}, 30, {12, 18, 0}},
        {"across lots", {12, 6, 6}, 10, {10, 0, 0}},
        {"count zero", {12, 6, 6}, 0, {0, 0, 0}},
        {"negative count is zero", {1, 1, 1}, -5, {0, 0, 0}},
        {"count above pick changes nothing", {1, 2, 3}, 10, {1, 2, 3}},
    };
    for (size_t i = 0; i < ROWS(rows); i++) {
        struct pick_lot pl[NL] = {{0}};
        for (size_t k = 0; k < NL; k++)
            pl[k].pick = rows[i].pick[k];
        pick_trim(pl, NL, rows[i].count);
        for (size_t k = 0; k < NL; k++)
            expect(&bad, pl[k].pick == rows[i].want[k], "%s: lot %zu %lld want %lld", rows[i].name,
                   k, (long long)pl[k].pick, (long long)rows[i].want[k]);
    }
    assert_int_equal(bad, 0);
}

static void test_cases(void **state)
{
    (void)state;
    int bad = 0;
    static const struct {
        int64_t qty, case_size, cases, loose;
    } rows[] = {
        {0, 12, 0, 0},   {11, 12, 0, 11}, {12, 12, 1, 0}, {13, 12, 1, 1},
        {60, 24, 2, 12}, {7, 1, 7, 0},    {7, 0, 7, 0},   {7, -3, 7, 0},
    };
    for (size_t i = 0; i < ROWS(rows); i++) {
        int64_t c, l;
        qty_cases(rows[i].qty, rows[i].case_size, &c, &l);
        expect(&bad, c == rows[i].cases && l == rows[i].loose, "%lld by %lld: %lld + %lld",
               (long long)rows[i].qty, (long long)rows[i].case_size, (long long)c, (long long)l);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_machine),
        cmocka_unit_test(test_backorder_table),
        cmocka_unit_test(test_pick_plan),
        cmocka_unit_test(test_pick_trim),
        cmocka_unit_test(test_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
