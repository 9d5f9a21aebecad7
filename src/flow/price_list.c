/*
 * price_list.c — price lists (flow/price_list.h) on the document kernel (flow/doc.h): the
 * table is rules/price_list.c, the SQL store/price_list.c; here are the action functions, the
 * create and import checks and the answer.
 *
 * Who (api.md §5.4, §5.9): marketing and ssg_leader draft, import, publish and retire; an SLT
 * member approves; every role but warehouse (no prices, numbering-and-rules.md §4) and the
 * portal reads. Price lists belong to no customer, so there is no data scope beyond that.
 */
#include "flow/price_list.h"

#include "core/csv.h"
#include "core/field.h"
#include "core/json.h"
#include "core/money.h"
#include "core/record.h"
#include "core/str.h"
#include "core/xlsx.h"
#include "flow/doc.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "rules/price_list.h"
#include "store/order.h"
#include "store/price_list.h"
#include "store/recipients.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int load(struct ctx *c, const struct doc_kind *k, const char *number, void **out,
                struct osb_err *e)
{
    (void)k; /* one kind per loader here */
    if (!perm_may_read(P_PRICE_LIST_READ, c->user.role))
        return 0;
    struct price_list *p = calloc(1, sizeof *p);
    int rc = store_price_list_load(c->db, e, number, p);
    if (rc <= 0) {
        store_price_list_release(p);
        free(p);
        return rc;
    }
    *out = p;
    return 1;
}

static void pfree(void *v)
{
    store_price_list_release(v);
    free(v);
}

static int pstate(const void *v)
{
    return doc_state_parse(&price_list_doc, ((const struct price_list *)v)->state);
}

static int64_t pversion(const void *v)
{
    return ((const struct price_list *)v)->version;
}

static date_t day_of(const char *s, date_t none)
{
    date_t d;
    return s && *s && date_parse(s, &d) ? d : none;
}

static int a_approve(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct price_list *p = x->doc;
    STR_COPY_ARRAY(p->approved_by, x->actor.who);
    p->approved_at = x->c->now;
    p->approved_changed = true;
    return 0;
}

/* One other version, closed or retired by the publication of p (its own event and audit). */
static int supersede(struct ctx *c, struct price_list *p, struct price_list *o,
                     enum price_overlap v, date_t close_to, struct osb_err *e)
{
    json_t *before =
        json_pack("{ss ss* sI}", "state", o->state, "valid_to", o->valid_to[0] ? o->valid_to : NULL,
                  "version", (json_int_t)o->version);
    const char *to = "published", *action = "close";
    STR_COPY_ARRAY(o->superseded_by, p->number);
    if (v == PO_CLOSE) {
        date_format(close_to, o->valid_to);
        o->valid_to_changed = true;
    } else {
        to = "retired";
        action = "retire";
        STR_COPY_ARRAY(o->retired_by, c->user.username);
        o->retired_at = c->now;
        o->retired_changed = true;
    }
    char note[64];
    STR_FMT_FITS(note, sizeof "superseded by " + DOCNO_MAX, "superseded by %s", p->number);
    int rc = store_price_list_save(c->db, e, o, to, c->now) < 0 ||
                     flow_doc_event(c, e, "price_list_events", "price_list", o->number, action,
                                    "published", to, note) < 0
                 ? -1
                 : 0;
    json_t *after = json_pack("{ss ss* sI ss}", "state", o->state, "valid_to",
                              o->valid_to[0] ? o->valid_to : NULL, "version",
                              (json_int_t)o->version, "superseded_by", p->number);
    if (rc == 0)
        rc = flow_audit(c, e, action, "price_list", o->number, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* At most one published list of a code covers any date (entities.md §3.2). */
static int replace_published(struct ctx *c, struct price_list *p, struct osb_err *e)
{
    json_t *rows = store_price_list_published(c->db, e, p->code, p->number);
    if (!rows)
        return -1;
    date_t from = day_of(p->valid_from, 0), to = day_of(p->valid_to, PRICE_OPEN_END);
    size_t n = json_array_size(rows);
    struct price_list *others = n ? calloc(n, sizeof *others) : NULL;
    enum price_overlap *what = n ? calloc(n, sizeof *what) : NULL;
    date_t *close_to = n ? calloc(n, sizeof *close_to) : NULL;
    int rc = 0;
    size_t loaded = 0;
    for (size_t i = 0; i < n && rc == 0; i++, loaded++) {
        struct price_list *o = &others[i];
        if (store_price_list_load(c->db, e, jstr(json_array_get(rows, i), "number"), o) < 0) {
            rc = -1;
            break;
        }
        what[i] = price_list_overlap(from, to, day_of(o->valid_from, 0),
                                     day_of(o->valid_to, PRICE_OPEN_END), &close_to[i]);
        if (what[i] == PO_REFUSE) {
            err_invalid(e, "valid_to", "price_list_overlap",
                        "published list %s of code %s (valid %s to %s) would still price days "
                        "after this version ends: give this version no end or a later one, or "
                        "retire %s first",
                        o->number, o->code, o->valid_from, o->valid_to[0] ? o->valid_to : "-",
                        o->number);
            e->extra = json_pack("{ss}", "published", o->number);
            rc = -1;
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (what[i] == PO_CLOSE || what[i] == PO_RETIRE)
            rc = supersede(c, p, &others[i], what[i], close_to[i], e);
    for (size_t i = 0; i < loaded; i++)
        store_price_list_release(&others[i]);
    free(others);
    free(what);
    free(close_to);
    json_decref(rows);
    return rc;
}

static int a_publish(struct doc_act *x, struct osb_err *e)
{
    struct ctx *c = x->c;
    struct price_list *p = x->doc;
    if (replace_published(c, p, e) < 0)
        return -1;
    STR_COPY_ARRAY(p->published_by, c->user.username);
    p->published_at = c->now;
    p->published_changed = true;
    /* entities.md §3.2 (seed 002): every list in use goes to the office (SSG) and finance. */
    static const char *const roles[] = {"ssg_leader", "csr", "finance"};
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        json_t *users = store_role_users(c->db, e, roles[r]);
        if (!users)
            return -1;
        size_t i;
        json_t *u;
        int rc = 0;
        json_array_foreach(users, i, u)
        {
            if (rc == 0 && notify(c, e, "price_list_published", json_string_value(u), p->number,
                                  NULL, "价目表%s（%s %s）已发布，自%s起生效", p->number, p->code,
                                  p->name, p->valid_from) < 0)
                rc = -1;
        }
        json_decref(users);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int a_retire(struct doc_act *x, struct osb_err *e)
{
    (void)e;
    struct price_list *p = x->doc;
    STR_COPY_ARRAY(p->retired_by, x->c->user.username);
    p->retired_at = x->c->now;
    p->retired_changed = true;
    return 0;
}

static int save(struct doc_act *x, struct osb_err *e)
{
    return store_price_list_save(x->c->db, e, x->doc, doc_state_str(&price_list_doc, x->to),
                                 x->c->now);
}

static int event(struct doc_act *x, struct osb_err *e)
{
    const struct doc_type *t = x->kind->type;
    return flow_doc_event(x->c, e, "price_list_events", "price_list",
                          ((struct price_list *)x->doc)->number, t->actions[x->action].name,
                          doc_state_str(t, x->from), doc_state_str(t, x->to), x->comment);
}

static int answer(struct ctx *c, void *v, json_t **out, struct osb_err *e)
{
    const struct price_list *p = v;
    json_t *tl = flow_doc_timeline(c, e, "price_list_events", "price_list", p->number);
    if (!tl)
        return -1;
    /* The product's own price beside each item (the list compared with the standard). */
    size_t n = p->nitems;
    const char **skus = calloc(n + 1, sizeof *skus);
    struct order_product *pf = calloc(n + 1, sizeof *pf);
    for (size_t i = 0; i < n; i++)
        skus[i] = p->items[i].sku;
    if (store_order_products(c->db, e, skus, n, pf) < 0) {
        free(skus);
        free(pf);
        json_decref(tl);
        return -1;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct price_item *it = &p->items[i];
        json_array_append_new(items, json_pack("{si ss sI sI}", "line", it->line_no, "sku", it->sku,
                                               "price_fen", (json_int_t)it->price_fen,
                                               "product_price_fen", (json_int_t)pf[i].price_fen));
    }
    free(skus);
    free(pf);
    json_t *o = json_object();
    json_object_set_new(o, "number", json_string(p->number));
    json_object_set_new(o, "code", json_string(p->code));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "valid_from", json_string(p->valid_from));
    json_object_set_new(o, "valid_to", flow_json_str(p->valid_to));
    json_object_set_new(o, "state", json_string(p->state));
    json_object_set_new(o, "approved_by", flow_json_str(p->approved_by));
    json_object_set_new(o, "approved_at", flow_json_ts(c, p->approved_at));
    json_object_set_new(o, "published_by", flow_json_str(p->published_by));
    json_object_set_new(o, "published_at", flow_json_ts(c, p->published_at));
    json_object_set_new(o, "retired_by", flow_json_str(p->retired_by));
    json_object_set_new(o, "retired_at", flow_json_ts(c, p->retired_at));
    json_object_set_new(o, "superseded_by", flow_json_str(p->superseded_by));
    json_object_set_new(o, "item_count", json_integer((json_int_t)p->nitems));
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "version", json_integer(p->version));
    json_object_set_new(o, "created_at", flow_json_ts(c, p->created_at));
    json_object_set_new(o, "created_by", json_string(p->created_by));
    json_object_set_new(o, "updated_at", flow_json_ts(c, p->updated_at));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static const doc_run_fn run[] = {
    [PLA_APPROVE] = a_approve, [PLA_PUBLISH] = a_publish, [PLA_RETIRE] = a_retire};

/* GET /price-lists/{number}: the roles that read price lists (403 before the load). */
static int may_read(struct ctx *c, struct osb_err *e)
{
    return flow_need_read(c, P_PRICE_LIST_READ, e);
}

static const struct doc_kind kind = {
    .type = &price_list_doc,
    .load = load,
    .free = pfree,
    .state = pstate,
    .version = pversion,
    .run = run,
    .save = save,
    .event = event,
    .json = answer,
    .may_read = may_read,
};
const struct doc_kind *const price_list_doc_kind = &kind;

int price_list_list(struct ctx *c, const struct price_list_query *q, json_t **out,
                    struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_PRICE_LIST_READ, e) < 0 ||
        doc_state_filter(&price_list_doc, q->state, e) < 0)
        return -1;
    struct price_list_filter f = {q->code, q->state, q->cursor, q->customer, q->limit, q->q};
    json_t *nums;
    char *next;
    if (store_price_list_list(c->db, e, &f, &nums, &next) < 0)
        return -1;
    int rc = doc_items(c, &kind, nums, next, out, e);
    json_decref(nums);
    free(next);
    return rc;
}

int price_list_prices(struct ctx *c, const char *customer, date_t day, const char *const *skus,
                      size_t n, int64_t *price, bool *found, char list_no[DOCNO_MAX],
                      struct osb_err *e)
{
    char d[11];
    date_format(day, d);
    return store_price_list_prices(c->db, e, customer, d, skus, n, price, found, list_no);
}

/* ---- create and import ------------------------------------------------------------------- */

static const struct field_def head_fields[] = {
    {"code", FK_CODE, 0, 0, F_REQUIRED, 0, 0, 0},
    {"name", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"valid_from", FK_DATE, 0, 0, F_REQUIRED, 0, 0, 0},
    {"valid_to", FK_DATE, 0, 0, 0, 0, 0, 0},
};
static const struct record_def head_def = {"price_lists", "number", "price_list", head_fields, 4};

/* The head of a new list (code, name, validity) from n (already record_check'ed). */
static int head_of(json_t *n, struct price_list *p, struct osb_err *e)
{
    const char *vf = jstr(n, "valid_from"), *vt = jstr(n, "valid_to");
    if (vf && vt && strcmp(vt, vf) < 0)
        return err_invalid(e, "valid_to", "date_out_of_range", "valid_to is before valid_from");
    str_field(p->code, sizeof p->code, jstr(n, "code"), "code");
    str_field(p->name, sizeof p->name, jstr(n, "name"), "name");
    str_field(p->valid_from, sizeof p->valid_from, vf, "valid_from");
    str_field(p->valid_to, sizeof p->valid_to, vt ? vt : "", "valid_to");
    return 0;
}

/* One item's value checks, once its SKU's product facts are known: the rule that fails (and
   its field, "sku" or "price_fen") or NULL. */
static const char *item_rule(const struct price_list *p, size_t i, const struct order_product *pf,
                             const char **field)
{
    const struct price_item *it = &p->items[i];
    *field = "sku";
    if (!it->sku[0])
        return "required";
    for (size_t j = 0; j < i; j++)
        if (strcmp(p->items[j].sku, it->sku) == 0)
            return "duplicate_line";
    if (!pf->known)
        return "unknown_sku";
    *field = "price_fen";
    if (it->price_fen < 0)
        return "price_negative";
    if (it->price_fen > MONEY_MAX_FEN)
        return "amount_too_large";
    return NULL;
}

static const char *rule_text(const char *rule)
{
    static const struct {
        const char *rule, *text;
    } texts[] = {
        {"required", "the SKU is missing"},
        {"duplicate_line", "the SKU is listed twice"},
        {"unknown_sku", "no such product"},
        {"price_negative", "a price is at least 0"},
        {"amount_too_large", "a price is at most 10^13 fen"},
        {"invalid_amount", "not an amount"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(texts[i].rule, rule) == 0)
            return texts[i].text;
    return rule;
}

/* The number, the row, its items, the first timeline row and the audit row; *out the list. */
static int insert_list(struct ctx *c, struct price_list *p, const char *how, json_t **out,
                       struct osb_err *e)
{
    p->created_at = c->now;
    STR_COPY_ARRAY(p->created_by, c->user.username);
    if (flow_docno(c, e, "JG", p->number) < 0 || store_price_list_insert(c->db, e, p) < 0 ||
        flow_doc_event(c, e, "price_list_events", "price_list", p->number, how, NULL, "draft",
                       NULL) < 0)
        return -1;
    json_t *after = json_pack("{ss ss ss ss* sI}", "code", p->code, "name", p->name, "valid_from",
                              p->valid_from, "valid_to", p->valid_to[0] ? p->valid_to : NULL,
                              "items", (json_int_t)p->nitems);
    int rc = flow_audit(c, e, "create", "price_list", p->number, NULL, after);
    json_decref(after);
    return rc < 0 ? -1 : doc_read(c, &kind, p->number, out, e);
}

static int item_err(struct osb_err *e, size_t i, const char *sku, const char *field,
                    const char *rule)
{
    char f[48];
    /* "items[" + at most 20 digits + "]." + "price_fen": 38 bytes and the NUL fit 48 */
    (void)str_fmt(f, sizeof f, "items[%zu].%s", i, field);
    err_invalid(e, f, rule, "item %zu (%s): %s", i + 1, sku, rule_text(rule));
    e->extra = json_pack("{sI ss}", "line", (json_int_t)(i + 1), "sku", sku);
    return -1;
}

int price_list_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_PRICE_LIST_DRAFT, e) < 0)
        return -1;
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    json_t *items = json_object_get(body, "items");
    json_t *head = json_copy(body);
    json_object_del(head, "items");
    json_t *n = NULL;
    struct price_list p = {0};
    int rc = -1;
    struct order_product *pf = NULL;
    const char **skus = NULL;
    if (record_check(&head_def, head, true, &n, e) < 0 || head_of(n, &p, e) < 0)
        goto out;
    if (!items) {
        err_invalid(e, "items", "required", "a price list needs items [{sku, price_fen}]");
        goto out;
    }
    if (!json_is_array(items)) {
        err_bad(e, "items", "items must be an array");
        goto out;
    }
    size_t k = json_array_size(items);
    if (k == 0) {
        err_invalid(e, "items", "required", "a price list needs at least one item");
        goto out;
    }
    if (k > PRICE_LIST_MAX_ITEMS) {
        err_invalid(e, "items", "too_many_lines", "a price list has at most %d items",
                    PRICE_LIST_MAX_ITEMS);
        goto out;
    }
    p.items = calloc(k, sizeof *p.items);
    skus = calloc(k, sizeof *skus);
    for (size_t i = 0; i < k; i++) {
        json_t *it = json_array_get(items, i);
        if (!json_is_object(it)) {
            err_bad(e, "items", "each item must be an object {sku, price_fen}");
            goto out;
        }
        const char *key;
        json_t *v;
        json_object_foreach(it, key, v)
        {
            if (strcmp(key, "sku") && strcmp(key, "price_fen")) {
                err_bad(e, key, "unknown field '%s' in an item", key);
                goto out;
            }
        }
        json_t *js = json_object_get(it, "sku"), *jp = json_object_get(it, "price_fen");
        if (js && !json_is_string(js)) {
            err_bad(e, "sku", "sku must be a string");
            goto out;
        }
        if (jp && !json_is_integer(jp)) {
            err_bad(e, "price_fen", "price_fen must be an integer number of fen");
            goto out;
        }
        struct price_item *pi = &p.items[p.nitems++];
        pi->line_no = (int)i + 1;
        if (js && str_field(pi->sku, sizeof pi->sku, json_string_value(js), "sku") < 0) {
            item_err(e, i, json_string_value(js), "sku", "unknown_sku");
            goto out;
        }
        if (!jp) {
            item_err(e, i, pi->sku, "price_fen", "required");
            goto out;
        }
        pi->price_fen = json_integer_value(jp);
        skus[i] = pi->sku;
    }
    pf = calloc(k, sizeof *pf);
    if (store_order_products(c->db, e, skus, k, pf) < 0)
        goto out;
    for (size_t i = 0; i < k; i++) {
        const char *field, *rule = item_rule(&p, i, &pf[i], &field);
        if (rule) {
            item_err(e, i, p.items[i].sku, field, rule);
            goto out;
        }
    }
    rc = insert_list(c, &p, "create", out, e);
out:
    free(pf);
    free(skus);
    store_price_list_release(&p);
    json_decref(head);
    json_decref(n);
    return rc;
}

/* The column of a CSV header cell: 0 sku, 1 price_fen, 2 price (yuan), -1 unknown. */
static int column_of(const char *h)
{
    static const struct {
        const char *name;
        int col;
    } cols[] = {{"sku", 0},        {"SKU", 0},   {"商品编码", 0}, {"price_fen", 1},
                {"价格（分）", 1}, {"price", 2}, {"价格", 2},     {"价格（元）", 2}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (strcmp(cols[i].name, h) == 0)
            return cols[i].col;
    return -1;
}

/* An XLSX number cell of yuan as Excel keeps it: a binary double's shortest text, so 268.1 may
   read "268.10000000000002" or "268.09999999999999". With 12 or more decimals (never typed by
   hand) it is rounded to the fen at the third decimal; a price typed with 3 to 11 decimals
   stays refused. */
static bool xlsx_yuan(const char *s, int64_t *out)
{
    const char *dot = strchr(s, '.');
    size_t dec = dot ? strlen(dot + 1) : 0;
    if (!dot || dec < 12 || strspn(dot + 1, "0123456789") != dec || *s == '-')
        return money_parse_yuan(s, out);
    char head[64];
    size_t n = (size_t)(dot - s) + 3; /* the integer part, the point and two decimals */
    if (n >= sizeof head)
        return false;
    memcpy(head, s, n);
    head[n] = '\0';
    if (!money_parse_yuan(head, out))
        return false;
    return dot[3] < '5' || money_add(*out, 1, out);
}

/* A price cell: fen (an integer) or yuan ("12.50", "1,234.5", "¥12"). */
static bool cell_price(const char *s, bool yuan, bool xlsx, int64_t *out)
{
    if (yuan)
        return xlsx ? xlsx_yuan(s, out) : money_parse_yuan(s, out);
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return false;
    *out = v;
    return true;
}

int price_list_import(struct ctx *c, const struct price_list_head *h, const char *ctype,
                      const char *data, size_t len, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_PRICE_LIST_DRAFT, e) < 0)
        return -1;
    json_t *head = json_object();
    if (h->code)
        json_object_set_new(head, "code", json_string(h->code));
    if (h->name)
        json_object_set_new(head, "name", json_string(h->name));
    if (h->valid_from)
        json_object_set_new(head, "valid_from", json_string(h->valid_from));
    if (h->valid_to && *h->valid_to)
        json_object_set_new(head, "valid_to", json_string(h->valid_to));
    json_t *n = NULL, *rows = NULL, *lines = NULL, *errors = NULL;
    struct price_list p = {0};
    struct order_product *pf = NULL;
    const char **skus = NULL;
    bool *bad = NULL;
    int rc = -1;
    if (record_check(&head_def, head, true, &n, e) < 0 || head_of(n, &p, e) < 0)
        goto out;
    /* issue #11: CSV or XLSX (the first sheet, its row numbers for the errors) */
    bool xlsx = xlsx_looks_like((const unsigned char *)data, len);
    if (xlsx || (ctype && strstr(ctype, "spreadsheetml"))) {
        const char *why = "not an XLSX workbook";
        rows = xlsx ? xlsx_rows((const unsigned char *)data, len, &lines, &why) : NULL;
        if (!rows) {
            err_bad(e, "file", "the file is not a readable XLSX workbook: %s", why);
            goto out;
        }
    } else if (ctype && strncmp(ctype, "text/csv", 8) != 0) {
        err_bad(e, NULL, "send the file as text/csv or as an XLSX workbook");
        goto out;
    } else {
        size_t bad_line = 0;
        rows = csv_parse_lines(data, len, &bad_line, &lines);
        if (!rows) {
            err_bad(e, NULL, "the CSV is malformed at line %zu", bad_line);
            e->extra = json_pack("{s[{sIss}]}", "rows", "row", (json_int_t)bad_line, "rule", "csv");
            goto out;
        }
    }
    json_t *header = json_array_get(rows, 0);
    size_t k = json_array_size(rows) ? json_array_size(rows) - 1 : 0;
    if (!header || k == 0) {
        err_bad(e, NULL, "the CSV needs a header row (sku, price_fen or price) and item rows");
        goto out;
    }
    if (k > PRICE_LIST_MAX_ITEMS) {
        err_invalid(e, "items", "too_many_lines", "a price list has at most %d items",
                    PRICE_LIST_MAX_ITEMS);
        goto out;
    }
    int col_sku = -1, col_price = -1;
    bool yuan = false;
    size_t i;
    json_t *hc;
    json_array_foreach(header, i, hc)
    {
        int col = column_of(json_string_value(hc));
        if (col < 0) {
            err_bad(e, json_string_value(hc),
                    "unknown column '%s' (the columns are sku and price_fen, or sku and price in "
                    "yuan)",
                    json_string_value(hc));
            goto out;
        }
        if (col == 0)
            col_sku = (int)i;
        else if (col_price < 0) {
            col_price = (int)i;
            yuan = col == 2;
        } else {
            err_bad(e, json_string_value(hc), "give price_fen or price, not both");
            goto out;
        }
    }
    if (col_sku < 0 || col_price < 0) {
        err_bad(e, NULL, "the CSV needs the columns sku and price_fen (or price in yuan)");
        goto out;
    }
    p.items = calloc(k, sizeof *p.items);
    skus = calloc(k, sizeof *skus);
    bad = calloc(k, sizeof *bad);
    const char **rules = calloc(k, sizeof *rules), **fields = calloc(k, sizeof *fields);
    for (size_t r = 0; r < k; r++) {
        json_t *row = json_array_get(rows, r + 1);
        const char *sku = json_string_value(json_array_get(row, (size_t)col_sku));
        const char *pr = json_string_value(json_array_get(row, (size_t)col_price));
        struct price_item *pi = &p.items[p.nitems++];
        pi->line_no = (int)r + 1;
        skus[r] = pi->sku;
        const char *pfield = yuan ? "price" : "price_fen";
        if (!sku || !*sku)
            fields[r] = "sku", rules[r] = "required";
        else if (str_field(pi->sku, sizeof pi->sku, sku, "sku") < 0)
            fields[r] = "sku", rules[r] = "unknown_sku";
        else if (!pr || !*pr)
            fields[r] = pfield, rules[r] = "required";
        else if (!cell_price(pr, yuan, xlsx, &pi->price_fen))
            fields[r] = pfield, rules[r] = "invalid_amount";
        bad[r] = rules[r] != NULL;
    }
    pf = calloc(k, sizeof *pf);
    if (store_order_products(c->db, e, skus, k, pf) < 0) {
        free(rules);
        free(fields);
        goto out;
    }
    errors = json_array();
    for (size_t r = 0; r < k && json_array_size(errors) < 100; r++) {
        if (!bad[r]) {
            rules[r] = item_rule(&p, r, &pf[r], &fields[r]);
            if (rules[r] && strcmp(fields[r], "price_fen") == 0 && yuan)
                fields[r] = "price";
        }
        if (rules[r]) {
            /* The line of the file the row starts on (the header is line 1). */
            json_int_t line = json_integer_value(json_array_get(lines, r + 1));
            json_array_append_new(errors,
                                  json_pack("{sI ss ss ss}", "row", line, "field", fields[r],
                                            "rule", rules[r], "message", rule_text(rules[r])));
        }
    }
    free(rules);
    free(fields);
    if (json_array_size(errors) > 0) {
        err_invalid(e, NULL, "import_rejected", "%zu row(s) are wrong; nothing was imported",
                    json_array_size(errors));
        e->extra = json_pack("{sO}", "rows", errors);
        goto out;
    }
    rc = insert_list(c, &p, "import", out, e);
out:
    free(pf);
    free(skus);
    free(bad);
    store_price_list_release(&p);
    json_decref(errors);
    json_decref(rows);
    json_decref(lines);
    json_decref(head);
    json_decref(n);
    return rc;
}
