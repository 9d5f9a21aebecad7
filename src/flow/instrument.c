/*
 * instrument.c — instruments in hand (flow/instrument.h), a document on the kernel
 * (flow/doc.h): its table is rules/instrument.c, its SQL store/instrument.c.
 *
 * Who (numbering-and-rules.md §3): register — ssg_leader, csr, the customer's KAM or rep;
 * hand over — the one who received it; sign for it — finance. Reading needs a role that sees
 * money and the customer in scope (404 outside it, 403 for a role without money).
 */
#include "flow/instrument.h"

#include "core/field.h"
#include "core/json.h"
#include "core/record.h"
#include "core/str.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/instrument.h"
#include "store/instrument.h"
#include "store/recipients.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    struct instrument *p = calloc(1, sizeof *p);
    int rc = store_instrument_load(c->db, e, number, p);
    if (rc == 1)
        rc = scope_money_sees(c, p->customer, NULL, e);
    if (rc <= 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 1;
}

static int pstate(const void *p)
{
    return doc_state_parse(&instrument_doc, ((const struct instrument *)p)->state);
}
static int64_t pversion(const void *p)
{
    return ((const struct instrument *)p)->version;
}

static int who(struct ctx *c, const void *doc, int a, const struct doc_actor *actor,
               struct osb_err *e)
{
    (void)c;
    const struct instrument *p = doc;
    if (a == PJA_HAND_OVER && !is(p->received_by, actor->who))
        return err_forbidden(e, "role", "only %s, who received it, hands it over", p->received_by);
    return 0;
}

static int tell_finance(struct ctx *c, const char *number, const char *what, struct osb_err *e)
{
    json_t *fin = store_role_users(c->db, e, "finance");
    if (!fin)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(fin, i, u) if (rc == 0) rc =
        notify(c, e, "instrument", json_string_value(u), number, NULL, "票据%s%s", number, what);
    json_decref(fin);
    return rc;
}

static int a_hand_over(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct instrument *p = x->doc;
    p->handed_over_at = x->c->now;
    p->handed_changed = true;
    return 0;
}

static int a_sign(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct instrument *p = x->doc;
    STR_COPY_ARRAY(p->finance_signed_by, x->c->user.username);
    p->finance_signed_at = x->c->now;
    p->signed_changed = true;
    return 0;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    struct instrument *p = x->doc;
    if (store_instrument_save(x->c->db, e, p, doc_state_str(&instrument_doc, x->to), x->c->now) < 0)
        return -1;
    return x->action == PJA_HAND_OVER ? tell_finance(x->c, p->number, "已交财务，请签收", e) : 0;
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "instrument_events", "instrument",
                          ((struct instrument *)x->doc)->number, t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static int answer(struct ctx *c, void *doc, json_t **out, struct osb_err *e)
{
    const struct instrument *p = doc;
    json_t *tl = flow_doc_timeline(c, e, "instrument_events", "instrument", p->number);
    if (!tl)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(p->number));
    json_object_set_new(o, "customer", json_string(p->customer));
    json_object_set_new(o, "kind", json_string(p->kind));
    json_object_set_new(o, "instrument_no", json_string(p->instrument_no));
    json_object_set_new(o, "amount_fen", json_integer(p->amount_fen));
    json_object_set_new(o, "issuer_bank", flow_json_str(p->issuer_bank));
    json_object_set_new(o, "maturity_date", flow_json_str(p->maturity_date));
    json_object_set_new(o, "received_by", json_string(p->received_by));
    json_object_set_new(o, "received_at", flow_json_ts(c, p->received_at));
    json_object_set_new(o, "state", json_string(p->state));
    json_object_set_new(o, "handed_over_at", flow_json_ts(c, p->handed_over_at));
    json_object_set_new(o, "finance_signed_by", flow_json_str(p->finance_signed_by));
    json_object_set_new(o, "finance_signed_at", flow_json_ts(c, p->finance_signed_at));
    json_object_set_new(o, "payment", flow_json_str(p->payment));
    json_object_set_new(o, "version", json_integer(p->version));
    json_object_set_new(o, "updated_at", flow_json_ts(c, p->updated_at));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {[PJA_HAND_OVER] = a_hand_over, [PJA_SIGN] = a_sign};

static const struct doc_kind kind = {
    .type = &instrument_doc,
    .load = load,
    .free = free,
    .state = pstate,
    .version = pversion,
    .who = who,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
};

/* The work queue (flow/queue.c) lists documents of this kind. */
const struct doc_kind *const instrument_doc_kind = &kind;

int instrument_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return doc_get(c, &kind, number, out, e);
}

int instrument_list(struct ctx *c, const struct instrument_query *q, json_t **out,
                    struct osb_err *e)
{
    *out = NULL;
    if (doc_state_filter(&instrument_doc, q->state, e) < 0)
        return -1;
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see instruments",
                             role_str(c->user.role));
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct instrument_filter f = {q->customer, q->state, q->kind, q->received_by,
                                  q->cursor,   q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_instrument_list(c->db, e, &su, &f, &nums, &next) < 0)
        return -1;
    int rc = flow_doc_items(c, nums, next, instrument_get, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int instrument_act(struct ctx *c, const char *number, const char *action, json_t *body,
                   json_t **out, struct osb_err *e)
{
    return doc_act(c, &kind, number, action, body, out, e);
}

/* ---- register ---------------------------------------------------------------------------- */

static const char *const kinds[] = {"cheque", "acceptance_bill", "bank_draft", "cash", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"kind", FK_ENUM, 0, 0, F_REQUIRED, 0, kinds, 0},
    {"instrument_no", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"amount_fen", FK_FEN, 1, 0, F_REQUIRED, 0, 0, "amount_out_of_range"},
    {"issuer_bank", FK_TEXT, 0, 100, 0, 0, 0, 0},
    {"maturity_date", FK_DATE, 0, 0, 0, 0, 0, 0},
};
static const struct record_def create_def = {"instruments", "number", "instrument", create_fields,
                                             6};

int instrument_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_INSTRUMENT_REGISTER, e) < 0 ||
        record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    const char *customer = jstr(n, "customer"), *no = jstr(n, "instrument_no");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    if (f == 0 || !scope_sees(c, &cu)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    if (perm_symbol(P_INSTRUMENT_REGISTER, c->user.role) == 'O' && !scope_owns(c, &cu)) {
        err_forbidden(e, "role", "only the customer's KAM or rep registers its instruments");
        goto out;
    }
    if (!*no) {
        err_invalid(e, "instrument_no", "required", "the instrument's number is required");
        goto out;
    }
    int64_t dup = 0;
    if (store_instrument_count_live(c->db, e, customer, jstr(n, "kind"), no, &dup) < 0)
        goto out;
    if (dup) {
        err_set(e, ERR_DUPLICATE, "instrument %s of customer %s is registered already", no,
                customer);
        STR_COPY_ARRAY(e->field, "instrument_no");
        goto out;
    }
    struct instrument p = {0};
    str_field(p.customer, sizeof p.customer, customer, "customer");
    str_field(p.kind, sizeof p.kind, jstr(n, "kind"), "kind");
    str_field(p.instrument_no, sizeof p.instrument_no, no, "instrument_no");
    p.amount_fen = jint(n, "amount_fen");
    str_field(p.issuer_bank, sizeof p.issuer_bank,
              jstr(n, "issuer_bank") ? jstr(n, "issuer_bank") : "", "issuer_bank");
    str_field(p.maturity_date, sizeof p.maturity_date,
              jstr(n, "maturity_date") ? jstr(n, "maturity_date") : "", "maturity_date");
    STR_COPY_ARRAY(p.received_by, c->user.username);
    p.received_at = c->now;
    if (flow_docno(c, e, "PJ", p.number) < 0 || store_instrument_insert(c->db, e, &p) < 0 ||
        flow_doc_event(c, e, "instrument_events", "instrument", p.number, "register", NULL,
                       "in_hand", NULL) < 0)
        goto out;
    json_t *after =
        json_pack("{ss ss ss sI ss}", "customer", customer, "kind", p.kind, "instrument_no", no,
                  "amount_fen", (json_int_t)p.amount_fen, "state", "in_hand");
    rc = flow_audit(c, e, "create", "instrument", p.number, NULL, after);
    json_decref(after);
    if (rc == 0)
        rc = tell_finance(c, p.number, "已登记，须当日交财务签收", e);
    if (rc == 0)
        rc = instrument_get(c, p.number, out, e);
out:
    json_decref(n);
    return rc;
}

int instrument_link_payment(struct ctx *c, const char *customer, const char *reference,
                            const char *payment, struct osb_err *e)
{
    if (!reference || !*reference)
        return 0;
    return store_instrument_link_payment(c->db, e, customer, reference, payment, c->now);
}
