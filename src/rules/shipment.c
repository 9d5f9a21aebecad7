/*
 * shipment.c — the SP state machine table and the batch arithmetic of picking
 * (rules/shipment.h).
 */
#include "rules/shipment.h"

#include <string.h>

static const char *const state_names[SS__COUNT] = {
    "new", "received", "picked", "checked", "booked", "dispatched", "delivered", "cancelled",
};

const char *shipment_state_str(enum shipment_state s)
{
    return (s >= 0 && s < SS__COUNT) ? state_names[s] : "";
}

enum shipment_state shipment_state_parse(const char *s)
{
    for (int i = 0; s && i < SS__COUNT; i++)
        if (strcmp(s, state_names[i]) == 0)
            return (enum shipment_state)i;
    return SS_NONE;
}

#define B(s) (1u << (s))

/* flows.md §3.2, one row per action; the re-pick row (checked → picked) is folded into pick. */
static const struct shipment_action_def actions[SA__COUNT] = {
    [SA_RECEIVE] = {"receive", "SP1", B(SS_NEW), SS_RECEIVED, P_SHIPMENT_WORK},
    [SA_PICK] = {"pick", "SP2", B(SS_RECEIVED) | B(SS_PICKED) | B(SS_CHECKED), SS_PICKED,
                 P_SHIPMENT_WORK},
    [SA_CHECK] = {"check", "SP3", B(SS_PICKED) | B(SS_CHECKED), SS_CHECKED, P_SHIPMENT_WORK},
    [SA_BOOK] = {"book", "SP4", B(SS_CHECKED), SS_BOOKED, P_SHIPMENT_WORK},
    [SA_DISPATCH] = {"dispatch", "SP5", B(SS_BOOKED), SS_DISPATCHED, P_SHIPMENT_WORK},
    [SA_TRACK] = {"track", "SP6", B(SS_DISPATCHED), SS_DISPATCHED, P_SHIPMENT_TRACK},
    [SA_DELIVER] = {"deliver", "SP7", B(SS_DISPATCHED), SS_DELIVERED, P_SHIPMENT_DELIVER},
    [SA_SHORT_CLOSE] = {"short-close", "SP5", B(SS_PICKED) | B(SS_CHECKED), SS_CANCELLED,
                        P_SHIPMENT_WORK},
};

const struct shipment_action_def *shipment_action(enum shipment_action a)
{
    return (a >= 0 && a < SA__COUNT) ? &actions[a] : NULL;
}

int shipment_action_parse(const char *name)
{
    for (int i = 0; name && i < SA__COUNT; i++)
        if (strcmp(actions[i].name, name) == 0)
            return i;
    return -1;
}

bool shipment_action_allowed_from(enum shipment_action a, enum shipment_state s)
{
    return a >= 0 && a < SA__COUNT && s >= 0 && s < SS__COUNT && (actions[a].from & B(s));
}

static const char *const bo_names[BS__COUNT] = {"open", "fulfilled", "cancelled"};

const char *backorder_state_str(enum backorder_state s)
{
    return (s >= 0 && s < BS__COUNT) ? bo_names[s] : "";
}

enum backorder_state backorder_state_parse(const char *s)
{
    for (int i = 0; s && i < BS__COUNT; i++)
        if (strcmp(s, bo_names[i]) == 0)
            return (enum backorder_state)i;
    return BS_NONE;
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
