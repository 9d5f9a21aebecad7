/*
 * notify.c — outbox rows and the in-app reading of them.
 *
 * One notification is one in-app row (notifications) plus, for a recipient with an e-mail
 * address, one e-mail delivery row (notification_emails) that flow/mail.c sends with retries.
 * Keeping the e-mail as a child row rather than a second notifications row keeps "the
 * notifications of X" one row per message for every reader of that table.
 */
#include "flow/notify.h"

#include "core/docno.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "store/notify.h"

#include <stdarg.h>
#include <string.h>

int notify(struct ctx *c, struct osb_err *e, const char *event, const char *recipient,
           const char *document, const char *dedup_key, const char *subject_fmt, ...)
{
    if (!recipient || !*recipient)
        return 0;
    struct sb subj = SB_INIT;
    va_list ap;
    va_start(ap, subject_fmt);
    sb_vaddf(&subj, subject_fmt, ap);
    va_end(ap);
    if (c->notes) {
        json_array_append_new(c->notes,
                              json_pack("{ss ss ss so so}", "event", event, "recipient", recipient,
                                        "subject", sb_str(&subj), "document",
                                        document ? json_string(document) : json_null(), "dedup_key",
                                        dedup_key ? json_string(dedup_key) : json_null()));
        sb_free(&subj);
        return 0;
    }
    int64_t id = 0;
    int rc = store_notify_add(c->db, e, event, recipient, sb_str(&subj), document, dedup_key,
                              c->now, &id);
    sb_free(&subj);
    if (rc <= 0)
        return rc < 0 ? -1 : 0; /* a repeated dedup_key queues nothing, e-mail included */
    /* The e-mail twin (flows.md §0.2 "in-app message plus e-mail"), queued in the same
       transaction for a user with an address; flow/mail.c delivers it. The address is taken
       now, so the mail goes where the user's address pointed when the event happened. */
    return store_notify_email(c->db, e, id, recipient, c->now);
}

int notify_flush(struct ctx *c, struct osb_err *e)
{
    if (!c->notes || json_array_size(c->notes) == 0)
        return 0;
    int rc = store_notify_add_many(c->db, e, c->notes, c->now);
    json_array_clear(c->notes);
    return rc;
}

/* Document number type codes (numbering-and-rules §1) and the collection they open. */
static const struct {
    const char *code, *collection;
} links[] = {
    {"DD", "orders"},
    {"FH", "shipments"},
    {"QH", "backorders"},
    {"FP", "invoices"},
    {"SK", "payments"},
    {"TH", "returns"},
    {"TK", "refunds"},
    {"HX", "write-offs"},
    {"DZ", "statements"},
    {"HT", "contracts"},
    {"PJ", "instruments"},
    {"KP", "invoice-requests"},
    {"WT", "osb-issues"},
    {"XY", "credit-reviews"},
    {"JG", "price-lists"},
    {"FY", "expense-applications"},
    {"WL", "pop-requests"},
    {"YP", "samples"},
    {"KC", "inventory-reports"},
    {"ZC", "support-requests"},
    {"SH", "after-sales"},
    {"YC", "forecasts"},
    {"JH", "plans"},
    {"BJ", "quotations"},
    {"TB", "quotations"},
    {"BFJH", "visit-plans"},
    {"BF", "visits"},
    {"DC", "reports"},
};

const char *notify_doc_type(const char *event, const char *document)
{
    if (!document || !*document)
        return NULL;
    char prefix[5], type[5];
    date_t day;
    int64_t seq;
    if (docno_parse(document, prefix, &day, type, &seq)) {
        for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
            if (strcmp(links[i].code, type) == 0)
                return links[i].collection;
        return NULL;
    }
    /* not a document number: the customer events name the customer's code */
    if (event && (strncmp(event, "customer_", 9) == 0 || strncmp(event, "credit_hold", 11) == 0 ||
                  strcmp(event, "payment_term_set") == 0 || strcmp(event, "credit_grade_e") == 0))
        return "customers";
    return NULL;
}

static void fix_row(json_t *it, int tz)
{
    const char *type = notify_doc_type(json_string_value(json_object_get(it, "event")),
                                       json_string_value(json_object_get(it, "document")));
    json_object_set_new(it, "type", type ? json_string(type) : json_null());
    static const char *const keys[] = {"created_at", "read_at"};
    for (int k = 0; k < 2; k++) {
        json_t *v = json_object_get(it, keys[k]);
        if (json_is_integer(v)) {
            char ts[32];
            ts_format_rfc3339(json_integer_value(v), tz, ts);
            json_object_set_new(it, keys[k], json_string(ts));
        }
    }
}

static void fix_times(json_t *items, int tz)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) fix_row(it, tz);
}

int notify_list(struct ctx *c, bool unread_only, const char *q, int limit, int64_t after_id,
                json_t **out, struct osb_err *e)
{
    json_t *items = store_notify_list(c->db, e, c->user.username, unread_only, after_id, limit, q);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        next = json_sprintf("%lld", (long long)json_integer_value(json_object_get(
                                        json_array_get(items, (size_t)limit - 1), "id")));
    }
    fix_times(items, c->cfg->tz_min);
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

/* Marking read changes data, so it is audited (numbering-and-rules.md §6.1; issue #15 finding
   7): `read` with the notification's id, or one `read_all` row with how many were marked. A
   notification already read (or a read-all with nothing unread) changes nothing and writes no
   row. */
int notify_mark_all_read(struct ctx *c, json_t **out, struct osb_err *e)
{
    int n = store_notify_mark_all_read(c->db, e, c->user.username, c->now);
    if (n < 0)
        return -1;
    if (n > 0) {
        json_t *after = json_pack("{si}", "marked", n);
        int rc = flow_audit(c, e, "read_all", "notification", c->user.username, NULL, after);
        json_decref(after);
        if (rc < 0)
            return -1;
    }
    *out = json_pack("{si}", "marked", n);
    return 0;
}

int notify_mark_read(struct ctx *c, int64_t id, json_t **out, struct osb_err *e)
{
    int n = store_notify_mark_read(c->db, e, id, c->user.username, c->now);
    if (n < 0)
        return -1;
    if (n == 0)
        return err_set(e, ERR_NOT_FOUND, "no notification %lld", (long long)id);
    char key[24];
    (void)str_fmt(key, sizeof key, "%lld", (long long)id);
    if (n == 2) {
        json_t *before = json_pack("{sb}", "read", 0), *after = json_pack("{sb}", "read", 1);
        int rc = flow_audit(c, e, "read", "notification", key, before, after);
        json_decref(before);
        json_decref(after);
        if (rc < 0)
            return -1;
    }
    json_t *row = NULL;
    if (store_notify_get(c->db, e, id, &row) < 0)
        return -1;
    if (row)
        fix_row(row, c->cfg->tz_min);
    *out = row;
    return 0;
}
