/*
 * shipment.c — the SP state machine table (a document type, rules/doc.h) and the batch arithmetic
 * of picking (rules/shipment.h).
 */
#include "rules/shipment.h"

#include <string.h>

static const char *const states[] = {"new",        "received",  "picked",    "checked", "booked",
                                     "dispatched", "delivered", "cancelled", NULL};
static const char *const lines_fields[] = {"lines", NULL};
static const char *const book_fields[] = {"carrier", "station", "waybill", NULL};
static const char *const track_fields[] = {"status", "location", "at", "source", "note", NULL};
static const char *const deliver_fields[] = {"signed_by", "at", "note", NULL};
static const char *const discrepancy_fields[] = {"lines", "note", NULL};

#define B(s) DOC_BIT(s)

/* flows.md §3.2, one row per action; the re-pick row (checked → picked) is folded into pick. */
static const struct doc_action actions[SA__COUNT] = {
    [SA_RECEIVE] = {"receive", P_SHIPMENT_WORK, B(SS_NEW), SS_RECEIVED, NULL, 0},
    [SA_PICK] = {"pick", P_SHIPMENT_WORK, B(SS_RECEIVED) | B(SS_PICKED) | B(SS_CHECKED), SS_PICKED,
                 lines_fields, 0},
    [SA_CHECK] = {"check", P_SHIPMENT_WORK, B(SS_PICKED) | B(SS_CHECKED), SS_CHECKED, lines_fields,
                  0},
    [SA_BOOK] = {"book", P_SHIPMENT_WORK, B(SS_CHECKED), SS_BOOKED, book_fields, 0},
    [SA_DISPATCH] = {"dispatch", P_SHIPMENT_WORK, B(SS_BOOKED), SS_DISPATCHED, NULL, 0},
    [SA_TRACK] = {"track", P_SHIPMENT_TRACK, B(SS_DISPATCHED), DOC_TO_SAME, track_fields,
                  DOC_ASIDE},
    [SA_DELIVER] = {"deliver", P_SHIPMENT_DELIVER, B(SS_DISPATCHED), SS_DELIVERED, deliver_fields,
                    0},
    [SA_SHORT_CLOSE] = {"short-close", P_SHIPMENT_WORK, B(SS_PICKED) | B(SS_CHECKED), SS_CANCELLED,
                        NULL, 0},
    [SA_REPORT_DISCREPANCY] = {"report-discrepancy", P_SHIPMENT_DISCREPANCY, B(SS_DELIVERED),
                               DOC_TO_SAME, discrepancy_fields, 0},
};

const struct doc_type shipment_doc = {"shipments", "shipment", states, actions, SA__COUNT};

static const char *const steps[SA__COUNT] = {"SP1", "SP2", "SP3", "SP4", "SP5",
                                             "SP6", "SP7", "SP5", "SP7"};

const char *shipment_step(enum shipment_action a)
{
    return (a >= 0 && a < SA__COUNT) ? steps[a] : "SP";
}

const char *shipment_state_str(enum shipment_state s)
{
    return doc_state_str(&shipment_doc, s);
}

enum shipment_state shipment_state_parse(const char *s)
{
    int i = doc_state_parse(&shipment_doc, s);
    return i < 0 ? SS_NONE : (enum shipment_state)i;
}

/* ---- picking ---------------------------------------------------------------------------- */

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}
static int64_t pos(int64_t a)
{
    return a > 0 ? a : 0;
}

enum pick_result pick_plan(struct pick_lot *lots, size_t n, int64_t unnamed, int64_t requested,
                           size_t *bad)
{
    *bad = n;
    int64_t named = 0, held = 0;
    for (size_t i = 0; i < n; i++) {
        lots[i].pick = 0;
        lots[i].reserve = 0;
        /* Quantities are bounded by the body parser (≤ 10^8 a line), so sums cannot overflow. */
        named += lots[i].want;
        held += lots[i].reserved;
    }
    if (unnamed < 0 || named + unnamed > requested)
        return PICK_EXCEEDS_REQUESTED;
    /* Named batches: the lot must be sellable, and what the line does not already hold there
       must be free. */
    for (size_t i = 0; i < n; i++) {
        struct pick_lot *l = &lots[i];
        if (l->want <= 0)
            continue;
        if (!l->ok) {
            *bad = i;
            return PICK_NOT_AVAILABLE;
        }
        if (l->want - l->reserved > l->free) {
            *bad = i;
            return PICK_INSUFFICIENT;
        }
        l->pick = l->want;
    }
    /* The unnamed rest: first what the line holds (its FEFO reservation), then free stock. */
    for (size_t i = 0; i < n && unnamed > 0; i++) {
        struct pick_lot *l = &lots[i];
        if (!l->ok)
            continue;
        int64_t take = min64(pos(l->reserved - l->pick), unnamed);
        l->pick += take;
        unnamed -= take;
    }
    for (size_t i = 0; i < n && unnamed > 0; i++) {
        struct pick_lot *l = &lots[i];
        if (!l->ok)
            continue;
        int64_t spare = l->free - pos(l->pick - l->reserved);
        int64_t take = min64(pos(spare), unnamed);
        l->pick += take;
        unnamed -= take;
    }
    if (unnamed > 0)
        return PICK_INSUFFICIENT;
    /* The reservation follows the pick; the unused part of the old one stays put (FEFO first)
       so that a re-pick before dispatch can still use it. */
    int64_t picked = 0;
    for (size_t i = 0; i < n; i++) {
        lots[i].reserve = lots[i].pick;
        picked += lots[i].pick;
    }
    int64_t keep = pos(held - picked);
    for (size_t i = 0; i < n && keep > 0; i++) {
        int64_t slack = pos(lots[i].reserved - lots[i].pick);
        int64_t k = min64(slack, keep);
        lots[i].reserve += k;
        keep -= k;
    }
    return PICK_OK;
}

void pick_trim(struct pick_lot *lots, size_t n, int64_t count)
{
    int64_t picked = 0;
    for (size_t i = 0; i < n; i++)
        picked += lots[i].pick;
    int64_t drop = pos(picked - pos(count));
    for (size_t i = n; i-- > 0 && drop > 0;) {
        int64_t d = min64(lots[i].pick, drop);
        lots[i].pick -= d;
        drop -= d;
    }
}

void qty_cases(int64_t qty, int64_t case_size, int64_t *cases, int64_t *loose)
{
    if (case_size < 1)
        case_size = 1;
    *cases = qty / case_size;
    *loose = qty % case_size;
}
