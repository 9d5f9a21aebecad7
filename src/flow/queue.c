/*
 * queue.c — the work queue (flow/queue.h), built from the document kernel.
 *
 * For each document kind of `kinds` below: the states in which the caller's role (or, for a
 * secretary, their principal's) may take an action the document waits for
 * (doc_waiting_states: the table's rows that are not DOC_ASIDE); the documents in those states
 * inside the caller's data scope (store/queue.c, one query per kind); each one loaded through
 * its kind (scope again) and kept when its allowed_actions — the same who() the gate asks —
 * hold an action that is not DOC_ASIDE (and, for a secretary, not one they could only sign
 * for their principal, unless the principal is out of office). Deadlines come from the
 * deadline rules (deadlines_waiting): the rule timing the step the document waits for, and
 * when it runs out.
 *
 * A new document kind joins the queue with one line in kinds[] (its flow file exports
 * <object>_doc_kind) and one row in store/queue.c.
 */
#include "flow/queue.h"

#include "core/json.h"
#include "core/sb.h"
#include "flow/after_sales.h"
#include "flow/backorder.h"
#include "flow/cmr.h"
#include "flow/collection.h"
#include "flow/contract.h"
#include "flow/customer.h"
#include "flow/deadlines.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/forecast.h"
#include "flow/instrument.h"
#include "flow/invoice_request.h"
#include "flow/market.h"
#include "flow/order.h"
#include "flow/osb_issue.h"
#include "flow/price_list.h"
#include "flow/quotation.h"
#include "flow/refund.h"
#include "flow/returns.h"
#include "flow/session.h"
#include "flow/shipment.h"
#include "flow/statement.h"
#include "flow/visit.h"
#include "store/masterdata.h"
#include "store/queue.h"
#include "store/session.h"

#include <stdlib.h>
#include <string.h>

static const struct doc_kind *const *const kinds[] = {
    &order_doc_kind,
    &shipment_doc_kind,
    &backorder_doc_kind,
    &return_doc_kind,
    &refund_doc_kind,
    &write_off_doc_kind,
    &statement_doc_kind,
    &instrument_doc_kind,
    &contract_doc_kind,
    &osb_issue_doc_kind,
    &invoice_request_doc_kind,
    /* the second wave (issue #17 item 2) */
    &customer_doc_kind,
    &credit_review_doc_kind,
    &price_list_doc_kind,
    &mkt_doc_kinds[MKT_FY],
    &mkt_doc_kinds[MKT_WL],
    &mkt_doc_kinds[MKT_YP],
    &mkt_doc_kinds[MKT_KC],
    &mkt_doc_kinds[MKT_ZC],
    &quotation_doc_kind,
    &after_sales_doc_kind,
    &visit_plan_doc_kind,
    &visit_doc_kind,
    &forecast_doc_kind,
    &plan_doc_kind,
    /* money wave 2 (#11): collection requests and bank pool lines */
    &collreq_doc_kind,
    &bankline_doc_kind,
};

/* One queue item before it is answered. */
struct item {
    int64_t since;
    json_t *obj;
};

static int by_since(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->since != y->since)
        return x->since < y->since ? -1 : 1;
    int t = strcmp(jstr(x->obj, "type"), jstr(y->obj, "type"));
    return t ? t : strcmp(jstr(x->obj, "number"), jstr(y->obj, "number"));
}

/* Does the answer's allowed_actions hold an action of t the document waits for? Not one a
   secretary may take only for their principal (proxy_actions), unless the principal is away
   (proxy_too). */
static bool waits(const struct doc_type *t, json_t *answer, bool proxy_too)
{
    json_t *proxy = json_object_get(answer, "proxy_actions");
    size_t i, j;
    json_t *v, *p;
    json_array_foreach(json_object_get(answer, "allowed_actions"), i, v)
    {
        int a = doc_action_parse(t, json_string_value(v));
        if (a < 0 || (t->actions[a].flags & DOC_ASIDE))
            continue;
        bool via = false;
        json_array_foreach(proxy, j, p) via = via || json_equal(p, v);
        if (!via || proxy_too)
            return true;
    }
    return false;
}

/* A credit review's line waits on the MM's review only while proposed (a reviewed line may be
   adjusted again, but waits on its approvers); on an approver wherever its allowed_actions
   hold approve (the line's own rules: reviewed, this approval not yet in). */
static bool credit_line_waits(json_t *line, const char *action)
{
    return strcmp(action, "review") != 0 || strcmp(jstr(line, "state"), "proposed") == 0;
}

/* Documents whose answer narrows the kernel's allowed_actions by their lines, each line with
   its own allowed_actions: the queue reads their answer (doc_get), and they wait on the caller
   where some line does (line_waits). */
static const struct {
    const struct doc_kind *const *kind;
    bool (*line_waits)(json_t *line, const char *action);
} by_lines[] = {
    {&credit_review_doc_kind, credit_line_waits},
};

static bool lines_wait(const struct doc_type *t, json_t *answer,
                       bool (*line_waits)(json_t *, const char *))
{
    size_t i, j;
    json_t *l, *v;
    json_array_foreach(json_object_get(answer, "lines"), i, l)
    {
        json_array_foreach(json_object_get(l, "allowed_actions"), j, v)
        {
            int a = doc_action_parse(t, json_string_value(v));
            if (a >= 0 && !(t->actions[a].flags & DOC_ASIDE) && line_waits(l, json_string_value(v)))
                return true;
        }
    }
    return false;
}

/* Documents that wait only on the roles that may take their closing step, though other roles
   may act on them too: a bank pool line waits on finance, who registers it (a KAM may claim an
   unmatched line for a customer, but the pool is not every KAM's work). */
static const struct {
    const struct doc_kind *const *kind;
    enum perm_action row;
} waits_on[] = {
    {&bankline_doc_kind, P_PAYMENT},
};

/* The items of kind k waiting on the caller, appended to *items. */
static int kind_items(struct ctx *c, const struct doc_kind *k, enum role principal,
                      struct item **items, size_t *n, size_t *cap, struct osb_err *e)
{
    const struct doc_type *t = k->type;
    for (size_t w = 0; w < sizeof waits_on / sizeof waits_on[0]; w++)
        if (*waits_on[w].kind == k && !perm_may_act(waits_on[w].row, c->user.role))
            return 0;
    unsigned states = doc_waiting_states(t, c->user.role, principal);
    if (!states)
        return 0;
    const char *names[DOC_MAX_STATES + 1];
    size_t ns = 0;
    for (int s = 0; s < DOC_MAX_STATES && t->states[s]; s++)
        if (states & DOC_BIT(s))
            names[ns++] = t->states[s];
    names[ns] = NULL;
    struct scope_user su;
    ctx_scope_user(c, &su);
    json_t *rows = store_queue_candidates(c->db, e, t->collection, names, &su);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        void *doc = NULL;
        int f = k->load(c, k, jstr(row, "number"), &doc, e);
        if (f < 0) {
            rc = -1;
            break;
        }
        if (f == 0)
            continue; /* outside the caller's scope after all */
        size_t b = 0;
        while (b < sizeof by_lines / sizeof by_lines[0] && *by_lines[b].kind != k)
            b++;
        json_t *answer = NULL;
        if (b < sizeof by_lines / sizeof by_lines[0]) {
            if (doc_get(c, k, jstr(row, "number"), &answer, e) < 0) {
                k->free(doc);
                rc = -1;
                break;
            }
        } else {
            answer = json_object();
            doc_answer_actions(c, k, doc, answer);
        }
        json_t *allowed = json_incref(json_object_get(answer, "allowed_actions"));
        bool mine = waits(t, answer, principal != ROLE_NONE) &&
                    (b == sizeof by_lines / sizeof by_lines[0] ||
                     lines_wait(t, answer, by_lines[b].line_waits));
        json_decref(answer);
        if (mine) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *items = xrealloc(*items, *cap * sizeof **items);
            }
            json_t *cust = json_object_get(row, "customer");
            json_t *o = json_pack("{ss ss ss sO}", "type", t->collection, "number",
                                  jstr(row, "number"), "state", doc_state_str(t, k->state(doc)),
                                  "customer", cust ? cust : json_null());
            json_object_set(o, "allowed_actions", allowed);
            (*items)[(*n)++] = (struct item){json_integer_value(json_object_get(row, "since")), o};
        }
        json_decref(allowed);
        k->free(doc);
    }
    json_decref(rows);
    return rc;
}

int queue_mine(struct ctx *c, int limit, size_t from, json_t **out, struct osb_err *e)
{
    *out = NULL;
    /* A secretary's queue holds what waits on the member they sign for while that member is
       out of office (out_of_office: true, api.md §5.3): only then may they sign for them. */
    enum role principal = ROLE_NONE;
    bool away = false;
    if (c->user.proxy_for[0] && store_user_away(c->db, e, c->user.proxy_for, &away) < 0)
        return -1;
    if (away) {
        struct user pu;
        bool active = false;
        int rc = session_load_user(c->db, e, c->user.proxy_for, &pu, &active, NULL);
        if (rc < 0)
            return -1;
        if (rc == 1 && active)
            principal = pu.role;
    }
    struct item *items = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && rc == 0; i++)
        rc = kind_items(c, *kinds[i], principal, &items, &n, &cap, e);
    json_t *open = rc == 0 && n ? deadlines_waiting(c, e) : NULL;
    if (rc == 0 && n && !open)
        rc = -1;
    if (rc == 0) {
        if (n)
            qsort(items, n, sizeof *items, by_since);
        json_t *arr = json_array();
        size_t end = limit > 0 && from + (size_t)limit < n ? from + (size_t)limit : n;
        for (size_t i = from; i < end; i++) {
            json_t *o = items[i].obj;
            json_t *dl = open ? json_object_get(open, jstr(o, "number")) : NULL;
            json_object_set_new(o, "waiting_since", flow_json_ts(c, items[i].since));
            json_object_set_new(
                o, "deadline",
                dl ? flow_json_ts(c, json_integer_value(json_object_get(dl, "deadline")))
                   : json_null());
            json_object_set_new(o, "rule", flow_json_str(dl ? jstr(dl, "rule") : NULL));
            json_array_append(arr, o);
        }
        *out = json_pack("{so}", "items", arr);
        if (limit > 0)
            json_object_set_new(*out, "next_cursor",
                                end < n ? json_sprintf("%zu", end) : json_null());
    }
    for (size_t i = 0; i < n; i++)
        json_decref(items[i].obj);
    free(items);
    json_decref(open);
    return rc;
}
