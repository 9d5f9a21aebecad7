/*
 * masterdata.c — field tables of the master-data collections. One table per collection; the
 * JSON name of a field is its column. Cross-field rules (a region's market, a KAM's role, ...)
 * are checked by the flow (flow/masterdata.c), not here.
 */
#include "store/masterdata.h"

#include "core/sb.h"
#include "store/customer.h"
#include "store/doc.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The tables keep one field a line, as the spec lists them. */
/* clang-format off */
static const char *const roles[] = {"gm", "sales_director", "deputy_director", "ssg_leader",
                                    "csr", "mm", "um", "kam", "rep", "finance", "warehouse",
                                    "customer_service", "marketing", "auditor", "admin",
                                    "customer", NULL};
static const char *const grades[] = {"A", "B", "C", "D", "E", NULL};
static const char *const tiers[] = {"key", "general", "scattered", NULL};
static const char *const channels[] = {"distributor", "wholesaler", "sub_distributor",
                                       "key_account", "end_user", NULL};
static const char *const statuses[] = {"prospect", "pending_review", "active", "suspended",
                                       "closed", NULL};
static const char *const sizes[] = {"small", "medium", "large", NULL};
static const char *const kinds[] = {"goods", "sample", "pop", NULL};

static const struct field_def market_fields[] = {
    {"code", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
    {"slt_supervisor", FK_REF, 0, 0, F_REQUIRED, "users", 0, 0},
    {"mm", FK_REF, 0, 0, 0, "users", 0, 0},
    {"bcr", FK_REF, 0, 0, 0, "users", 0, 0},
    {"default_csr", FK_REF, 0, 0, 0, "users", 0, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
};
const struct record_def rd_market = {"markets", "code", "market", market_fields,
                                     N(market_fields)};

static const struct field_def region_fields[] = {
    {"code", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
    {"market", FK_REF, 0, 0, F_REQUIRED, "markets", 0, 0},
    {"um", FK_REF, 0, 0, 0, "users", 0, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
};
const struct record_def rd_region = {"regions", "code", "region", region_fields,
                                     N(region_fields)};

static const struct field_def user_fields[] = {
    {"username", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
    {"password", FK_PASSWORD, 0, 128, F_REQUIRED | F_HIDDEN, 0, 0, 0},
    {"password_hash", FK_TEXT, 0, 0, F_INTERNAL | F_HIDDEN, 0, 0, 0},
    {"role", FK_ENUM, 0, 0, F_REQUIRED, 0, roles, 0},
    {"department", FK_TEXT, 0, 40, F_INTERNAL, 0, 0, 0},
    {"market", FK_REF, 0, 0, 0, "markets", 0, 0},
    {"region", FK_REF, 0, 0, 0, "regions", 0, 0},
    {"manager", FK_REF, 0, 0, 0, "users", 0, 0},
    {"proxy_for", FK_REF, 0, 0, 0, "users", 0, 0},
    {"email", FK_TEXT, 0, 80, 0, 0, 0, 0},
    {"phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    {"duties", FK_JSON, 0, 0, 0, 0, 0, 0},
    {"out_of_office", FK_BOOL, 0, 0, 0, 0, 0, 0},
    {"out_of_office_note", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
};
const struct record_def rd_user = {"users", "username", "user", user_fields, N(user_fields)};

static const struct field_def customer_fields[] = {
    {"code", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 100, F_REQUIRED, 0, 0, 0},
    {"short_name", FK_TEXT, 0, 20, 0, 0, 0, 0},
    {"market", FK_REF, 0, 0, F_REQUIRED | F_ADMIN, "markets", 0, 0},
    {"region", FK_REF, 0, 0, F_REQUIRED | F_ADMIN, "regions", 0, 0},
    {"kam", FK_REF, 0, 0, F_REQUIRED | F_ADMIN, "users", 0, 0},
    {"rep", FK_REF, 0, 0, F_ADMIN, "users", 0, 0},
    {"csr", FK_REF, 0, 0, F_ADMIN, "users", 0, 0},
    {"credit_limit_fen", FK_FEN, 0, 0, F_REQUIRED | F_ADMIN, 0, 0, "limit_negative"},
    {"payment_term_days", FK_INT, 0, 365, F_REQUIRED | F_ADMIN, 0, 0, "term_out_of_range"},
    {"prepay_only", FK_BOOL, 0, 0, F_ADMIN, 0, 0, 0},
    {"credit_hold", FK_BOOL, 0, 0, F_ADMIN, 0, 0, 0},
    {"credit_hold_reason", FK_TEXT, 0, 200, F_ADMIN, 0, 0, 0},
    {"grade", FK_ENUM, 0, 0, F_ADMIN, 0, grades, 0},
    {"tier", FK_ENUM, 0, 0, 0, 0, tiers, 0},
    {"nature", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"channel", FK_ENUM, 0, 0, 0, 0, channels, 0},
    {"direct", FK_BOOL, 0, 0, 0, 0, 0, 0},
    {"parent", FK_REF, 0, 0, 0, "customers", 0, 0},
    {"price_list", FK_CODE, 0, 0, 0, 0, 0, 0},
    {"zone", FK_CODE, 0, 0, 0, 0, 0, 0},
    {"route", FK_CODE, 0, 0, 0, 0, 0, 0},
    {"route_seq", FK_INT, 0, 1000000, 0, 0, 0, 0},
    {"status", FK_ENUM, 0, 0, F_ADMIN, 0, statuses, 0},
    {"qualified", FK_BOOL, 0, 0, F_ADMIN, 0, 0, 0},
    {"qualified_note", FK_LONG, 0, 500, F_ADMIN, 0, 0, 0},
    {"qualified_by", FK_TEXT, 0, 40, F_INTERNAL, 0, 0, 0},
    {"qualified_at", FK_INT, 0, 0, F_INTERNAL, 0, 0, 0},
    {"status_reason", FK_TEXT, 0, 2000, F_INTERNAL, 0, 0, 0},
    /* CMR (#10): an MM's payment-term proposal awaiting the supervising SLT member */
    {"proposed_term_days", FK_INT, 0, 365, F_INTERNAL, 0, 0, 0},
    {"proposed_term_reason", FK_TEXT, 0, 2000, F_INTERNAL, 0, 0, 0},
    {"proposed_term_by", FK_TEXT, 0, 40, F_INTERNAL, 0, 0, 0},
    {"archive_reviewed_on", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"created_by", FK_TEXT, 0, 40, F_INTERNAL, 0, 0, 0},
    /* basic info (基本资料) */
    {"address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    {"owner", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"operating_manager", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"legal_rep", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"founded_on", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"trading_since", FK_DATE, 0, 0, 0, 0, 0, 0},
    {"org_type", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"industry", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"assets_fen", FK_FEN, 0, 0, 0, 0, 0, 0},
    {"tax_id", FK_TAX_ID, 0, 20, 0, 0, 0, 0},
    {"website", FK_TEXT, 0, 200, 0, 0, 0, 0},
    /* characteristics (客户特征) and business status (业务状况) */
    {"service_area", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"sales_force_size", FK_INT, 0, 1000000, 0, 0, 0, 0},
    {"development_potential", FK_INT, 1, 5, 0, 0, 0, 0},
    {"development_potential_note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"business_philosophy", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"business_policy", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"company_size", FK_ENUM, 0, 0, 0, 0, sizes, 0},
    {"business_features", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"staff_quality", FK_INT, 1, 5, 0, 0, 0, 0},
    {"staff_quality_note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"competitor_relations", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"cooperation_attitude", FK_INT, 1, 5, 0, 0, 0, 0},
    {"cooperation_attitude_note", FK_LONG, 0, 500, 0, 0, 0, 0},
    /* transaction status (交易现状) */
    {"activities", FK_LONG, 0, 1000, 0, 0, 0, 0},
    {"problems", FK_LONG, 0, 1000, 0, 0, 0, 0},
    {"advantages", FK_LONG, 0, 1000, 0, 0, 0, 0},
    {"future_plans", FK_LONG, 0, 1000, 0, 0, 0, 0},
    {"reputation", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"credit_status_note", FK_LONG, 0, 500, 0, 0, 0, 0},
    {"trade_terms", FK_LONG, 0, 500, 0, 0, 0, 0},
    /* invoicing info (开票信息) */
    {"invoice_title", FK_TEXT, 0, 100, 0, 0, 0, 0},
    {"bank_name", FK_TEXT, 0, 100, 0, 0, 0, 0},
    {"bank_account", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"reg_address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"reg_phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    {"mailing_address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"mailing_contact", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"mailing_phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    /* logistics info (储运信息) */
    {"consignee", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"consignee_phone", FK_PHONE, 0, 20, 0, 0, 0, 0},
    {"consignment_station", FK_TEXT, 0, 60, 0, 0, 0, 0},
    {"carrier", FK_TEXT, 0, 60, 0, 0, 0, 0},
    {"delivery_address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"arrival_address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"transit_days", FK_INT, 0, 60, 0, 0, 0, 0},
    {"last_confirmed_on", FK_DATE, 0, 0, 0, 0, 0, 0},
    /* sources per section and contacts: lists kept as JSON */
    {"sources", FK_JSON, 0, 0, 0, 0, 0, 0},
    {"contacts", FK_JSON, 0, 0, 0, 0, 0, 0},
};
const struct record_def rd_customer = {"customers", "code", "customer", customer_fields,
                                       N(customer_fields)};

static const struct field_def product_fields[] = {
    {"sku", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"spec", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"unit", FK_TEXT, 0, 10, F_REQUIRED, 0, 0, 0},
    {"case_size", FK_INT, 1, 1000000, F_REQUIRED, 0, 0, "case_size_invalid"},
    {"price_fen", FK_FEN, 0, 0, F_REQUIRED, 0, 0, "price_negative"},
    {"kind", FK_ENUM, 0, 0, 0, 0, kinds, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
    {"category", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"brand", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"barcode", FK_TEXT, 0, 40, 0, 0, 0, 0},
    {"shelf_life_days", FK_INT, 0, 36500, 0, 0, 0, 0},
    {"tax_rate_bp", FK_INT, 0, 10000, 0, 0, 0, 0},
    {"outsourced", FK_BOOL, 0, 0, 0, 0, 0, 0},
    {"cost_fen", FK_FEN, 0, 0, 0, 0, 0, "price_negative"},
};
const struct record_def rd_product = {"products", "sku", "product", product_fields,
                                      N(product_fields)};

static const struct field_def warehouse_fields[] = {
    {"code", FK_CODE, 0, 0, F_KEY, 0, 0, 0},
    {"name", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
    {"address", FK_TEXT, 0, 200, 0, 0, 0, 0},
    {"scr", FK_REF, 0, 0, 0, "users", 0, 0},
    {"active", FK_BOOL, 0, 0, 0, 0, 0, 0},
};
const struct record_def rd_warehouse = {"warehouses", "code", "warehouse", warehouse_fields,
                                        N(warehouse_fields)};
/* clang-format on */

/* ---- reads for the flow's cross-field rules ------------------------------------------------ */

int store_user_role(struct db *db, struct osb_err *e, const char *username, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT role FROM users WHERE username = ?", "s", username);
}

int store_user_away(struct db *db, struct osb_err *e, const char *username, bool *away)
{
    int64_t n = 0;
    *away = false;
    /* The column is TEXT (it held free text before it became a flag): '1' is true. */
    if (db_int(db, e, &n,
               "SELECT count(*) FROM users WHERE username = ? AND out_of_office IN ('1', 'true')",
               "s", username ? username : "") < 0)
        return -1;
    *away = n > 0;
    return 0;
}

int store_user_manager(struct db *db, struct osb_err *e, const char *username, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT manager FROM users WHERE username = ?", "s", username);
}

int store_region_market(struct db *db, struct osb_err *e, const char *region, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT market FROM regions WHERE code = ?", "s", region);
}

int store_market_supervisor(struct db *db, struct osb_err *e, const char *market, char **out)
{
    *out = NULL;
    return db_text(db, e, out, "SELECT slt_supervisor FROM markets WHERE code = ?", "s", market);
}

int store_region_customers(struct db *db, struct osb_err *e, const char *region, int64_t *n)
{
    *n = 0;
    int rc = db_int(db, e, n, "SELECT count(*) FROM customers WHERE region = ?", "s", region);
    return rc < 0 ? -1 : 0;
}

json_t *store_md_list(struct db *db, struct osb_err *e, const struct record_def *d,
                      const struct rec_filter *f, size_t nf, const struct scope_user *scope,
                      const char *q, const char *cursor, int limit)
{
    struct sb where = SB_INIT;
    json_t *params = json_array();
    sb_add(&where, "1 = 1");
    if (scope)
        store_scope_sql(scope, &where, params, d->table);
    const char *const q_cols[] = {d->key, "name", NULL};
    /* customers: only those q's grams name are read (store_customer_gram_codes) */
    if (d == &rd_customer && q && *q) {
        struct sb gc = SB_INIT;
        int g = store_customer_gram_codes(db, e, q, &gc, params);
        if (g > 0)
            sb_addf(&where, " AND code IN (%s)", sb_str(&gc));
        sb_free(&gc);
        if (g < 0) {
            sb_free(&where);
            json_decref(params);
            return NULL;
        }
    }
    store_filter_like(&where, params, q, q_cols);
    /* A boolean column is an INTEGER: compared with an integer, not with the query's text. */
    struct rec_filter plain[16];
    size_t np = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct field_def *fd = record_field(d, f[i].column);
        if (fd && fd->kind == FK_BOOL && f[i].value) {
            sb_addf(&where, " AND %s = ?", fd->name);
            json_array_append_new(params, json_integer(f[i].value[0] == '1'));
        } else if (np < sizeof plain / sizeof plain[0]) {
            plain[np++] = f[i];
        }
    }
    json_t *rows = rec_list(db, e, d, plain, np, where.buf, params, cursor, limit);
    sb_free(&where);
    json_decref(params);
    return rows;
}

json_t *store_people(struct db *db, struct osb_err *e)
{
    return db_rows(db, e,
                   "SELECT username, name, CASE WHEN active = 1 THEN 'active' ELSE 'inactive' END"
                   " AS state FROM users ORDER BY username",
                   "");
}
