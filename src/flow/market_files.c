/*
 * market_files.c (flow) — files of market documents and consumer records
 * (flow/market_files.h). SQL in store/market_files.c; the documents' scope from flow/market.c.
 */
#include "flow/market_files.h"

#include "core/json.h"
#include "core/str.h"
#include "core/validate.h"
#include "flow/contract.h"
#include "flow/doc.h"
#include "flow/fieldlog.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "rules/market.h"
#include "rules/perm.h"
#include "store/market.h"
#include "store/market_files.h"
#include "store/order.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---- files ------------------------------------------------------------------------------------
 */

/* The documents that take files: the market documents (enum mkt_doc) and, issue 13, contracts
   (flows.md §7 "attachments": the fax copy, the scanned original, annexes) — one mechanism. */
#define FILE_HT (MKT_ZC + 1)
#define FILE_TARGETS (FILE_HT + 1)
static const char *const target_types[FILE_TARGETS] = {
    "expense-applications", "pop-requests",     "samples",
    "inventory-reports",    "support-requests", "contracts"};

static const struct doc_kind *target_kind(int t)
{
    return t == FILE_HT ? contract_doc_kind : mkt_doc_kinds[t];
}

static const struct ftype {
    const char *mime, *magic;
    size_t mlen;
    unsigned docs; /* bit per enum mkt_doc that takes it */
} ftypes[] = {
    {"image/jpeg", "\xFF\xD8\xFF", 3, 1u << MKT_WL | 1u << MKT_FY | 1u << MKT_ZC | 1u << FILE_HT},
    {"image/png", "\x89PNG\r\n\x1A\n", 8,
     1u << MKT_WL | 1u << MKT_FY | 1u << MKT_ZC | 1u << FILE_HT},
    {"image/webp", "RIFF", 4, 1u << MKT_WL | 1u << MKT_FY | 1u << MKT_ZC | 1u << FILE_HT},
    {"application/pdf", "%PDF-", 5, 1u << MKT_FY | 1u << MKT_ZC | 1u << FILE_HT},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\3\4", 4,
     1u << MKT_ZC},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\3\4", 4,
     1u << MKT_ZC},
};

static const struct ftype *ftype_of(const char *ctype)
{
    if (!ctype)
        return NULL;
    for (size_t i = 0; i < sizeof ftypes / sizeof ftypes[0]; i++) {
        size_t l = strlen(ftypes[i].mime);
        if (strncasecmp(ctype, ftypes[i].mime, l) == 0 && (ctype[l] == '\0' || ctype[l] == ';'))
            return &ftypes[i];
    }
    return NULL;
}

static const char *const doc_kinds[] = {
    "inspection_report", "sales_tool", "white_paper", "price_list", "policy",
    "design_element",    "other",      NULL};

static bool one_of(const char *const *l, const char *s)
{
    for (; s && *l; l++)
        if (strcmp(*l, s) == 0)
            return true;
    return false;
}

/* May the caller attach to this document? (The document is visible already.) */
static int may_attach(struct ctx *c, int t, json_t *doc, struct osb_err *e)
{
    enum role r = c->user.role;
    if (t == FILE_HT) /* who drafts, signs or archives contracts (the document is visible) */
        return perm_may_act(P_CONTRACT_DRAFT, r) || perm_may_act(P_CONTRACT_ARCHIVE, r)
                   ? 0
                   : err_forbidden(e, "role",
                                   "the KAM, rep, CSR or SSG leader attaches a"
                                   " contract's files");
    switch ((enum mkt_doc)t) {
    case MKT_WL:
        if (perm_may_act(P_POP_VERIFY, r) || perm_may_act(P_POP_REQUEST, r))
            return 0;
        return err_forbidden(e, "role", "the KAM, rep or UM attaches placement photos");
    case MKT_FY:
        if (is(jstr(doc, "applicant"), c->user.username))
            return 0;
        return err_forbidden(e, "role", "the applicant attaches the evidence");
    case MKT_ZC:
        if (perm_may_act(P_SUPPORT_FORWARD, r) || perm_may_act(P_SUPPORT_REVIEW, r) ||
            is(jstr(doc, "requested_by"), c->user.username))
            return 0;
        return err_forbidden(e, "role",
                             "customer service's CSR, marketing or the requester"
                             " files a support request's documents");
    default:
        return err_set(e, ERR_NOT_FOUND, "these documents take no files");
    }
}

static json_t *file_answer(struct ctx *c, json_t *row)
{
    json_t *o = json_deep_copy(row);
    json_object_del(o, "content");
    flow_ts(c, o, "uploaded_at");
    flow_ts(c, o, "sent_at");
    char url[48];
    if (str_fmt(url, sizeof url, "/api/v1/market-files/%lld", (long long)jint(row, "id")) == 0)
        json_object_set_new(o, "url", json_string(url));
    return o;
}

static int file_upload(struct ctx *c, int t, const char *number, const char *ctype,
                       const char *data, size_t len, const struct mkt_file_meta *m, json_t **out,
                       struct osb_err *e)
{
    *out = NULL;
    json_t *doc;
    if (doc_get(c, target_kind(t), number, &doc, e) < 0)
        return -1;
    int rc = may_attach(c, t, doc, e);
    json_decref(doc);
    if (rc < 0)
        return -1;
    const struct ftype *ft = ftype_of(ctype);
    if (!ft || !(ft->docs & (1u << t)))
        return err_set(e, ERR_UNSUPPORTED_MEDIA_TYPE,
                       t == MKT_WL ? "a photo is image/jpeg, image/png or image/webp"
                                   : "the file type is not one this document takes");
    if (len == 0)
        return err_invalid(e, "file", "required", "the file is empty");
    if (len > MKT_FILE_MAX)
        return err_set(e, ERR_PAYLOAD_TOO_LARGE, "a file is at most %u MiB", MKT_FILE_MAX >> 20);
    if (len < ft->mlen || memcmp(data, ft->magic, ft->mlen) != 0 ||
        (strcmp(ft->mime, "image/webp") == 0 && (len < 12 || memcmp(data + 8, "WEBP", 4) != 0)))
        return err_invalid(e, "file", "file_type_mismatch", "the file is not %s as declared",
                           ft->mime);
    const char *kind = m->kind, *vis = m->visibility;
    if (t == MKT_ZC) {
        if (!kind)
            kind = "other";
        if (!one_of(doc_kinds, kind))
            return err_bad(e, "kind",
                           "kind is one of inspection_report, sales_tool, white_paper,"
                           " price_list, policy, design_element, other");
        if (!vis)
            vis = "internal"; /* nothing leaves the company unless marked so */
        if (!is(vis, "internal") && !is(vis, "external"))
            return err_bad(e, "visibility", "visibility is internal or external");
    } else {
        if (vis && !is(vis, "internal"))
            return err_bad(e, "visibility", "only a support request's documents go out");
        vis = "internal";
        kind = t == MKT_WL ? "photo" : t == FILE_HT ? "attachment" : "evidence";
    }
    const char *name = m->name, *slash;
    while (name && (slash = strpbrk(name, "/\\")) != NULL) /* a path's last part only */
        name = slash + 1;
    if (name && (!*name || !valid_text(name, 120, false)))
        return err_invalid(e, "name", "too_long", "a file name is plain text up to 120 characters");
    if (m->title && !valid_text(m->title, 200, false))
        return err_invalid(e, "title", "too_long", "a title is plain text up to 200 characters");
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(hash, (const unsigned char *)data, len);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    if (!b64)
        return err_set(e, ERR_INTERNAL, "internal error: out of memory");
    sodium_bin2base64(b64, cap, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *row = json_pack("{ss ss ss ss sI ss ss ss ss sI}", "document", number, "doc_type",
                            target_types[t], "kind", kind, "mime", ft->mime, "size",
                            (json_int_t)len, "sha256", hex, "visibility", vis, "content", b64,
                            "uploaded_by", c->user.username, "uploaded_at", (json_int_t)c->now);
    free(b64);
    if (name)
        json_object_set_new(row, "name", json_string(name));
    if (m->title)
        json_object_set_new(row, "title", json_string(m->title));
    int64_t id = 0;
    rc = store_mkt_file_insert(c->db, e, row, &id);
    json_object_del(row, "content");
    char key[24];
    if (rc == 0 && str_fmt(key, sizeof key, "%lld", (long long)id) < 0)
        rc = err_set(e, ERR_INTERNAL, "internal error: file key");
    if (rc == 0)
        rc = flow_audit(c, e, "attach", "market_file", key, NULL, row);
    json_decref(row);
    json_t *got;
    if (rc < 0 || store_mkt_file_get(c->db, e, id, false, &got) <= 0)
        return -1;
    *out = file_answer(c, got);
    json_decref(got);
    return 0;
}

int mkt_file_upload(struct ctx *c, enum mkt_doc t, const char *number, const char *ctype,
                    const char *data, size_t len, const struct mkt_file_meta *m, json_t **out,
                    struct osb_err *e)
{
    return file_upload(c, (int)t, number, ctype, data, len, m, out, e);
}

int contract_file_upload(struct ctx *c, const char *number, const char *ctype, const char *data,
                         size_t len, const struct mkt_file_meta *m, json_t **out, struct osb_err *e)
{
    return file_upload(c, FILE_HT, number, ctype, data, len, m, out, e);
}

static int file_list(struct ctx *c, int t, const char *number, const char *visibility, json_t **out,
                     struct osb_err *e)
{
    *out = NULL;
    if (visibility && !is(visibility, "internal") && !is(visibility, "external"))
        return err_bad(e, "visibility", "visibility is internal or external");
    json_t *doc;
    if (doc_get(c, target_kind(t), number, &doc, e) < 0)
        return -1;
    json_decref(doc);
    json_t *rows = store_mkt_file_list(c->db, e, number, visibility);
    if (!rows)
        return -1;
    json_t *items = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append_new(items, file_answer(c, r));
    json_decref(rows);
    *out = json_pack("{so so}", "items", items, "next_cursor", json_null());
    return 0;
}

int mkt_file_list(struct ctx *c, enum mkt_doc t, const char *number, const char *visibility,
                  json_t **out, struct osb_err *e)
{
    return file_list(c, (int)t, number, visibility, out, e);
}

int contract_file_list(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    return file_list(c, FILE_HT, number, NULL, out, e);
}

static int parse_id(const char *s, int64_t *id, struct osb_err *e)
{
    long v;
    if (!s || !str_to_long(s, 1, 9000000000000000000L, &v))
        return err_set(e, ERR_NOT_FOUND, "no such file");
    *id = v;
    return 0;
}

static int doc_of(const char *type)
{
    for (int t = 0; t < FILE_TARGETS; t++)
        if (is(type, target_types[t]))
            return t;
    return MKT_ZC;
}

/* The file row (with content when asked) when its document is visible to the caller. */
static int visible_file(struct ctx *c, const char *id, bool content, json_t **row,
                        struct osb_err *e)
{
    int64_t n = 0;
    if (parse_id(id, &n, e) < 0)
        return -1;
    int f = store_mkt_file_get(c->db, e, n, content, row);
    if (f <= 0)
        return f < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no file %s", id);
    json_t *doc;
    struct osb_err de = OSB_ERR_INIT;
    if (doc_get(c, target_kind(doc_of(jstr(*row, "doc_type"))), jstr(*row, "document"), &doc, &de) <
        0) {
        bool internal = de.code == ERR_INTERNAL;
        err_clear(&de);
        json_decref(*row);
        *row = NULL;
        return internal ? err_set(e, ERR_INTERNAL, "internal error")
                        : err_set(e, ERR_NOT_FOUND, "no file %s", id);
    }
    json_decref(doc);
    return 0;
}

int mkt_file_content(struct ctx *c, const char *id, char **data, size_t *len, const char **mime,
                     struct osb_err *e)
{
    *data = NULL;
    json_t *row;
    if (visible_file(c, id, true, &row, e) < 0)
        return -1;
    const char *b64 = jstr(row, "content");
    const struct ftype *ft = ftype_of(jstr(row, "mime"));
    size_t cap = strlen(b64 ? b64 : "") + 1, got = 0;
    unsigned char *buf = malloc(cap);
    int rc = 0;
    if (!buf || !ft ||
        sodium_base642bin(buf, cap, b64 ? b64 : "", strlen(b64 ? b64 : ""), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(buf);
        rc = err_set(e, ERR_INTERNAL, "internal error: a stored file is damaged");
    } else {
        *data = (char *)buf;
        *len = got;
        *mime = ft->mime;
    }
    json_decref(row);
    return rc;
}

int mkt_file_send(struct ctx *c, const char *number, const char *id, json_t **out,
                  struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_SUPPORT_FORWARD, e) < 0)
        return -1;
    json_t *row;
    if (visible_file(c, id, false, &row, e) < 0)
        return -1;
    int rc = 0;
    if (!is(jstr(row, "document"), number) || !is(jstr(row, "doc_type"), "support-requests"))
        rc = err_set(e, ERR_NOT_FOUND, "no document %s of %s", id, number);
    else if (!is(jstr(row, "visibility"), "external"))
        rc = err_invalid(e, "visibility", "internal_document",
                         "document %s is internal: internal material never leaves the company", id);
    json_t *doc = NULL;
    if (rc == 0)
        rc = doc_get(c, mkt_doc_kinds[MKT_ZC], number, &doc, e);
    if (rc == 0 && !jstr(doc, "customer"))
        rc = err_invalid(e, "customer", "customer_required",
                         "%s names no dealer to send documents to", number);
    if (rc == 0)
        rc = store_mkt_file_sent(c->db, e, jint(row, "id"), c->user.username, c->now);
    if (rc == 0) {
        json_t *after = json_pack("{ss ss ss}", "document", number, "to", jstr(doc, "customer"),
                                  "visibility", "external");
        rc = flow_audit(c, e, "send", "market_file", id, NULL, after);
        json_decref(after);
    }
    /* flows.md §19: the CSR sends it to the dealer and tells the UM */
    if (rc == 0)
        rc = notify(c, e, "support_document_sent", jstr(doc, "requested_by"), number, NULL,
                    "支持申请%s的资料已发送给经销商%s", number, jstr(doc, "customer"));
    json_decref(doc);
    json_decref(row);
    if (rc < 0)
        return -1;
    if (store_mkt_file_get(c->db, e, (int64_t)strtoll(id, NULL, 10), false, &row) <= 0)
        return -1;
    *out = file_answer(c, row);
    json_decref(row);
    return 0;
}

/* ---- consumer records -------------------------------------------------------------------------
 */

/* Which records the caller's role sees, and whether unmasked: 0, or 403. */
static int consumer_scope(const struct ctx *c, enum consumer_scope *s, const char **who, bool *full,
                          struct osb_err *e)
{
    *full = false;
    *who = c->user.username;
    switch (c->user.role) {
    case ROLE_CUSTOMER_SERVICE:
    case ROLE_AUDITOR:
        *s = CONS_ALL;
        *full = true;
        return 0;
    case ROLE_CSR:
    case ROLE_SSG_LEADER:
        *s = CONS_COLLECTOR;
        return 0;
    case ROLE_KAM:
        *s = CONS_KAM;
        return 0;
    case ROLE_UM:
        *s = CONS_REGION;
        *who = c->user.region;
        return 0;
    default:
        return err_forbidden(e, "role",
                             "consumer records are personal data: customer service, "
                             "the collecting CSR, the KAM and UM and auditors only");
    }
}

static bool consumer_sees(const struct ctx *c, enum consumer_scope s, const char *who, json_t *row)
{
    (void)c;
    switch (s) {
    case CONS_ALL:
        return true;
    case CONS_COLLECTOR:
        return is(jstr(row, "collected_by"), who);
    case CONS_KAM:
        return is(jstr(row, "kam"), who);
    case CONS_REGION:
        return is(jstr(row, "region"), who);
    }
    return false;
}

static json_t *consumer_answer(struct ctx *c, json_t *row, bool full, json_t *follow_ups)
{
    json_t *o = json_deep_copy(row);
    json_object_del(o, "kam");
    json_object_del(o, "um");
    flow_ts(c, o, "created_at");
    if (!full) {
        char masked[64];
        mask_phone(jstr(row, "phone"), masked, sizeof masked);
        json_object_set_new(o, "phone", json_string(masked));
    }
    json_object_set_new(o, "phone_masked", json_boolean(!full));
    if (follow_ups) {
        size_t i;
        json_t *f;
        json_array_foreach(follow_ups, i, f)
        {
            flow_ts(c, f, "at");
            json_object_set_new(f, "reached", json_boolean(jint(f, "reached") != 0));
        }
        json_object_set_new(o, "follow_ups", json_incref(follow_ups));
    }
    return o;
}

static int text_field(json_t *body, const char *k, bool required, size_t max, const char **out,
                      struct osb_err *e)
{
    json_t *v = json_object_get(body, k);
    *out = NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
        return required ? err_invalid(e, k, "required", "%s is required", k) : 0;
    if (!json_is_string(v))
        return err_bad(e, k, "%s must be a string", k);
    if (!valid_text(json_string_value(v), max, false))
        return err_invalid(e, k, "too_long", "%s is plain text up to %zu characters", k, max);
    *out = json_string_value(v);
    return 0;
}

int consumer_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    static const char *const ok[] = {"customer", "consumer_name", "phone",
                                     "store",    "product",       NULL};
    if (flow_need(c, P_CONSUMER_COLLECT, e) < 0)
        return -1;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) if (!one_of(ok, k)) return err_bad(e, k, "unknown field %s", k);
    const char *cu, *name, *phone, *store, *product;
    if (text_field(body, "customer", true, 32, &cu, e) < 0 ||
        text_field(body, "consumer_name", true, 40, &name, e) < 0 ||
        text_field(body, "phone", true, 20, &phone, e) < 0 ||
        text_field(body, "store", false, 200, &store, e) < 0 ||
        text_field(body, "product", false, 200, &product, e) < 0)
        return -1;
    if (!valid_phone(phone))
        return err_invalid(e, "phone", "invalid_phone",
                           "a phone is 5 to 20 digits, spaces, +, - or parentheses");
    json_t *row =
        json_pack("{ss ss ss ss sI}", "customer", cu, "consumer_name", name, "phone", phone,
                  "collected_by", c->user.username, "created_at", (json_int_t)c->now);
    json_object_set_new(row, "store", store ? json_string(store) : json_null());
    json_object_set_new(row, "product", product ? json_string(product) : json_null());
    int64_t id = 0;
    struct order_customer oc;
    int rc = store_order_customer(c->db, e, cu, &oc);
    if (rc == 0 || (rc > 0 && !scope_sees(c, &oc)))
        rc = err_invalid(e, "customer", "unknown_reference", "no customer '%s'", cu);
    if (rc >= 0)
        rc = store_consumer_insert(c->db, e, row, &id);
    char key[24];
    if (rc >= 0 && str_fmt(key, sizeof key, "%lld", (long long)id) < 0)
        rc = err_set(e, ERR_INTERNAL, "internal error: record key");
    if (rc >= 0) {
        /* the audit row keeps no phone: personal data stays in its table */
        json_t *after = json_pack("{ss ss}", "customer", cu, "collected_by", c->user.username);
        rc = flow_audit(c, e, "create", "consumer_record", key, NULL, after);
        json_decref(after);
    }
    json_decref(row);
    if (rc < 0)
        return -1;
    /* flows.md §14.7: the lists go to customer service for follow-up calls */
    json_t *cs = store_mkt_role_users(c->db, e, "customer_service");
    if (!cs)
        return -1;
    size_t i;
    json_t *u;
    json_array_foreach(cs, i, u) if (rc == 0) rc =
        notify(c, e, "consumer_follow_up", json_string_value(u), NULL, NULL,
               "消费者名单新增一条（经销商%s），请电话回访", cu);
    json_decref(cs);
    return rc < 0 ? -1 : consumer_get(c, key, out, e);
}

static int consumer_load(struct ctx *c, const char *id, json_t **row, bool *full, struct osb_err *e)
{
    enum consumer_scope s;
    const char *who;
    if (consumer_scope(c, &s, &who, full, e) < 0)
        return -1;
    int64_t n;
    long v;
    if (!id || !str_to_long(id, 1, 9000000000000000000L, &v))
        return err_set(e, ERR_NOT_FOUND, "no consumer record %s", id ? id : "");
    n = v;
    int f = store_consumer_get(c->db, e, n, row);
    if (f < 0)
        return -1;
    if (f == 0 || !consumer_sees(c, s, who, *row)) {
        if (f)
            json_decref(*row);
        return err_set(e, ERR_NOT_FOUND, "no consumer record %s", id);
    }
    return 0;
}

int consumer_get(struct ctx *c, const char *id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *row;
    bool full;
    if (consumer_load(c, id, &row, &full, e) < 0)
        return -1;
    json_t *fu = store_consumer_follow_ups(c->db, e, jint(row, "id"));
    if (!fu) {
        json_decref(row);
        return -1;
    }
    *out = consumer_answer(c, row, full, fu);
    json_decref(fu);
    json_decref(row);
    return 0;
}

int consumer_list(struct ctx *c, const char *customer, const char *state, const char *q,
                  const char *cursor, int limit, json_t **out, struct osb_err *e)
{
    *out = NULL;
    for (const char *a = state ? state : ""; *a;) {
        size_t len = strcspn(a, ",");
        if (!((len == 7 && strncmp(a, "pending", 7) == 0) ||
              (len == 11 && strncmp(a, "followed_up", 11) == 0)))
            return err_bad(e, "state",
                           "state is pending or followed_up (several: comma-separated)");
        a += len;
        if (*a == ',' && *++a == '\0')
            return err_bad(e, "state",
                           "state is pending or followed_up (several: comma-separated)");
    }
    enum consumer_scope s;
    const char *who;
    bool full;
    if (consumer_scope(c, &s, &who, &full, e) < 0)
        return -1;
    long cur = 0;
    if (cursor && !str_to_long(cursor, 1, 9000000000000000000L, &cur))
        return err_bad(e, "cursor", "cursor is the id the previous page ended on");
    json_t *rows = store_consumer_list(c->db, e, s, who, customer, state, q, cur, limit);
    if (!rows)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(rows) > limit) {
        json_array_remove(rows, (size_t)limit);
        char b[24];
        if (str_fmt(b, sizeof b, "%lld",
                    (long long)jint(json_array_get(rows, (size_t)limit - 1), "id")) == 0)
            next = json_string(b);
    }
    json_t *items = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append_new(items, consumer_answer(c, r, full, NULL));
    json_decref(rows);
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

int consumer_follow_up(struct ctx *c, const char *id, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_CONSUMER_CALL, e) < 0)
        return -1;
    json_t *row;
    bool full;
    if (consumer_load(c, id, &row, &full, e) < 0)
        return -1;
    static const char *const ok[] = {"result", "reached", NULL};
    const char *k, *result;
    json_t *v;
    int rc = 0;
    json_object_foreach(body, k, v) if (rc == 0 && !one_of(ok, k)) rc =
        err_bad(e, k, "unknown field %s", k);
    json_t *reached = json_object_get(body, "reached");
    if (rc == 0)
        rc = text_field(body, "result", true, 2000, &result, e);
    if (rc == 0 && !reached)
        rc = err_invalid(e, "reached", "required", "was the consumer reached (reached)?");
    if (rc == 0 && !json_is_boolean(reached))
        rc = err_bad(e, "reached", "reached must be true or false");
    /* the one call log (kind consumer_follow_up) holds the call as every other call */
    json_t *cl = NULL;
    if (rc == 0) {
        json_t *cb = json_pack("{ss ss sO ss}", "customer", jstr(row, "customer"), "kind",
                               "consumer_follow_up", "reached", reached, "outcome", result);
        rc = calllog_create(c, cb, &cl, e);
        json_decref(cb);
    }
    if (rc == 0) {
        json_t *cid = json_object_get(cl, "id");
        int64_t call = json_is_integer(cid)  ? json_integer_value(cid)
                       : json_is_string(cid) ? strtoll(json_string_value(cid), NULL, 10)
                                             : 0;
        rc = store_consumer_follow_up_insert(c->db, e, jint(row, "id"), c->user.username, c->now,
                                             result, json_is_true(reached), call);
    }
    json_decref(cl);
    /* flows.md §14.7: the results go to the UM and the CSR */
    const char *tell[] = {jstr(row, "um"), jstr(row, "collected_by")};
    for (int i = 0; i < 2 && rc == 0; i++)
        if (tell[i] && (i == 0 || !is(tell[0], tell[1])))
            rc = notify(c, e, "consumer_follow_up_result", tell[i], NULL, NULL,
                        "消费者回访（经销商%s）：%s", jstr(row, "customer"), result);
    if (rc == 0) {
        json_t *after = json_pack("{ss sb}", "record", id, "reached", json_is_true(reached));
        rc = flow_audit(c, e, "follow_up", "consumer_record", id, NULL, after);
        json_decref(after);
    }
    json_decref(row);
    return rc < 0 ? -1 : consumer_get(c, id, out, e);
}
