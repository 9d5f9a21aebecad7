/*
 * perm.c — the permissions matrix of numbering-and-rules.md §3, transcribed, and the data
 * scope of §4. A row string has one symbol per role in the order of enum role.
 */
#include "rules/perm.h"

#include <string.h>

/* clang-format off */
static const char *const role_names[ROLE__COUNT] = {
    "gm", "sales_director", "deputy_director", "ssg_leader", "csr", "mm", "um", "kam", "rep",
    "finance", "warehouse", "customer_service", "marketing", "auditor", "admin", "customer",
};
/* clang-format on */

/* clang-format off */
static const char *const role_depts[ROLE__COUNT] = {
    "slt", "slt", "slt", "ssg", "ssg", "sales", "sales", "sales", "sales",
    "finance", "warehouse", "customer_service", "marketing", "audit", "admin", "customer",
};
/* clang-format on */

enum role role_parse(const char *s)
{
    if (!s)
        return ROLE_NONE;
    for (int i = 0; i < ROLE__COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return (enum role)i;
    return ROLE_NONE;
}

const char *role_str(enum role r)
{
    return (r >= 0 && r < ROLE__COUNT) ? role_names[r] : "";
}

const char *role_department(enum role r)
{
    return (r >= 0 && r < ROLE__COUNT) ? role_depts[r] : "";
}

bool role_is_slt(enum role r)
{
    return r == ROLE_GM || r == ROLE_SALES_DIRECTOR || r == ROLE_DEPUTY_DIRECTOR;
}

/*                                    GM SD DD SL CS MM UM KA RE FI WH CS MK AU AD CU */
/* clang-format off */
static const char *const matrix[P__COUNT] = {
    [P_ORG_ADMIN]            = "R  R  R  R  -  -  -  -  -  -  -  -  -  R  Y  -",
    [P_PRODUCT_EDIT]         = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  Y  -",
    [P_CUSTOMER_CREATE]      = "-  -  -  Y  Y  Y  Y  O  O  -  -  -  -  R  Y  -",
    [P_CUSTOMER_EDIT]        = "-  -  -  Y  Y  -  -  O  O  -  -  -  -  R  Y  -",
    [P_CUSTOMER_APPROVE]     = "-  S  S  P  P  -  -  -  -  -  -  -  -  R  -  -",
    [P_CUSTOMER_CLOSE]       = "-  -  -  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_QUOTA_SET]            = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  Y  -",
    [P_QUOTA_TRANSFER]       = "-  -  -  -  -  -  G  -  -  -  -  -  -  R  -  -",
    [P_QUOTA_OVER_APPROVE]   = "Y  Y  Y  -  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_CREATE]         = "-  -  -  -  -  -  -  O  O  -  -  -  -  R  -  O",
    [P_ORDER_VERIFY]         = "-  -  -  -  -  -  -  O  -  -  -  -  -  R  -  -",
    [P_ORDER_APPROVE_MARKET] = "-  -  -  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_ACCEPT]         = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_LOOSE_UNITS]    = "-  -  -  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_APPROVE]        = "-  S  S  P  P  -  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_ST_VOTE]        = "Y  Y  Y  P  P  -  -  -  -  -  -  -  -  R  -  -",
    [P_ORDER_PRINT]          = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_ORDER_CANCEL]         = "-  -  -  Y  -  -  -  O  -  -  -  -  -  R  -  -",
    [P_SHIPMENT_WORK]        = "-  -  -  -  -  -  -  -  -  -  Y  -  -  R  -  -",
    [P_SHIPMENT_TRACK]       = "-  -  -  Y  Y  -  -  -  -  -  Y  -  -  R  -  -",
    [P_SHIPMENT_DELIVER]     = "-  -  -  Y  Y  -  -  -  -  -  Y  -  -  R  -  O",
    [P_BACKORDER_SCHEDULE]   = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_BACKORDER_CANCEL]     = "-  -  -  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_STOCK_RECEIPT]        = "-  -  -  -  -  -  -  -  -  -  Y  -  -  R  Y  -",
    [P_PAYMENT]              = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_RETURN_CREATE]        = "-  -  -  -  -  -  -  O  O  -  -  -  -  R  -  O",
    [P_RETURN_CONFIRM]       = "-  -  -  -  -  -  Y  -  -  -  -  -  -  R  -  -",
    [P_RETURN_INSPECT]       = "-  -  -  -  -  -  -  -  -  -  -  Y  -  R  -  -",
    [P_RETURN_APPROVE]       = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_RETURN_RECEIVE]       = "-  -  -  -  -  -  -  -  -  -  Y  -  -  R  -  -",
    [P_OSB_EXPLAIN]          = "E  E  E  E  E  -  -  E  -  E  E  -  -  R  -  -",
    [P_OSB_RESOLVE]          = "-  -  -  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_OSB_REOPEN]           = "Y  Y  Y  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_OSB_MANUAL]           = "-  -  -  Y  -  -  -  -  -  H  H  -  H  R  -  -",
    [P_REPORTS]              = "Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  R  Y  O",
    [P_EXPORT_CUSTOMERS]     = "Y  Y  Y  Y  -  -  -  -  -  -  -  -  -  R  Y  -",
    [P_AUDIT_READ]           = "Y  -  -  -  -  -  -  -  -  -  -  -  -  Y  Y  -",
    [P_ADMIN_OPS]            = "-  -  -  -  -  -  -  -  -  -  -  -  -  R  Y  -",
    [P_INSTRUMENT_REGISTER]  = "-  -  -  Y  Y  -  -  O  O  -  -  -  -  R  -  -",
    [P_INSTRUMENT_SIGN]      = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_STATEMENT_SEND]       = "-  -  -  Y  Y  -  -  O  -  Y  -  -  -  R  -  -",
    [P_STATEMENT_REPLY]      = "-  -  -  Y  Y  -  -  O  -  -  -  -  -  R  -  O",
    [P_CONTRACT_DRAFT]       = "-  -  -  -  Y  -  -  O  O  -  -  -  -  R  -  -",
    [P_CONTRACT_APPROVE]     = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_CONTRACT_SIGN]        = "-  -  -  -  Y  -  -  O  O  -  -  -  -  R  -  -",
    [P_CONTRACT_ARCHIVE]     = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_INVREQ_CREATE]        = "-  -  -  -  -  -  -  O  O  -  -  -  -  R  -  -",
    [P_INVREQ_HANDLE]        = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_INVREQ_ISSUE]         = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_REFUND_REQUEST]       = "-  -  -  B  B  -  -  O  -  -  -  -  -  R  -  -",
    [P_REFUND_APPROVE]       = "-  S  S  P  P  -  -  -  -  -  -  -  -  R  -  -",
    [P_REFUND_PAY]           = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_WRITEOFF_REQUEST]     = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_WRITEOFF_APPROVE]     = "Y  -  -  -  -  -  -  -  -  -  -  -  -  R  -  -",
    /* credit (CMR): the matrix rows of "credit review" and "credit grade"; create also gives
       SD and DD, as api.md §5.3 (which wins) names "ssg_leader, SLT, gm". */
    [P_CREDIT_REVIEW_CREATE] = "Y  Y  Y  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_CREDIT_REVIEW_ADJUST] = "-  -  -  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_CREDIT_REVIEW_APPROVE]= "Y  S  S  P  P  -  -  -  -  -  -  -  -  R  -  -",
    [P_CREDIT_GRADE_OVERRIDE]= "-  -  -  Y  -  -  -  -  -  -  -  -  -  R  -  -",
    /* customers (flows.md §1; numbering-and-rules.md §3; incidents: api.md §5.3) */
    [P_CUSTOMER_SUBMIT]      = "-  -  -  -  -  -  -  O  -  -  -  -  -  R  -  -",
    [P_CUSTOMER_QUALIFY]     = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_CREDIT_INCIDENT]      = "-  -  -  Y  -  -  -  -  -  Y  -  -  -  R  -  -",
    /* prices (api.md §5.4, §5.9) */
    [P_PRICE_LIST_DRAFT]     = "-  -  -  Y  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_PRICE_LIST_APPROVE]   = "Y  Y  Y  -  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_PRICE_LIST_PUBLISH]   = "-  -  -  Y  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_PRICE_LIST_READ]      = "R  R  R  R  R  R  R  R  R  R  -  R  R  R  R  -",
    /* corrections: "shipment: report discrepancy" (CSR Y, KAM and customer own), and the
       warehouse, which api.md §5.5 names among who reports */
    [P_SHIPMENT_DISCREPANCY] = "-  -  -  -  Y  -  -  O  -  -  Y  -  -  R  -  O",
    /* market support */
    [P_INVREPORT_SUBMIT]     = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  O",
    [P_INVREPORT_REVIEW]     = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_BUDGET_SET]           = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_BUDGET_APPROVE]       = "Y  Y  Y  -  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_EXPENSE_APPLY]        = "-  -  -  -  -  O  O  O  -  -  -  -  -  R  -  -",
    [P_EXPENSE_APPROVE]      = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_EXPENSE_SETTLE]       = "-  -  -  -  -  -  -  -  -  Y  -  -  -  R  -  -",
    [P_POP_ALLOCATE]         = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_POP_REQUEST]          = "-  -  -  -  -  -  Y  O  -  -  -  -  -  R  -  -",
    [P_POP_APPROVE]          = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_POP_SHIP]             = "-  -  -  -  -  -  -  O  -  -  -  -  -  R  -  -",
    [P_POP_RECEIVE]          = "-  -  -  -  -  -  -  O  -  -  -  -  -  R  -  O",
    [P_POP_VERIFY]           = "-  -  -  -  -  -  -  O  O  -  -  -  -  R  -  -",
    [P_SAMPLE_FOLLOW_UP]     = "-  -  -  -  -  -  -  -  -  -  -  Y  -  R  -  -",
    /* field sales */
    [P_CONTRACT_CLOSE]       = "-  -  -  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_QUOTATION_WORK]       = "-  -  -  -  -  -  -  O  O  -  -  -  -  R  -  -",
    [P_QUOTATION_DECIDE]     = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_QUOTATION_SUPPORT]    = "-  -  -  -  -  -  -  -  -  -  -  Y  -  R  -  -",
    [P_VISIT_WORK]           = "-  -  -  -  -  O  O  O  O  -  -  -  -  R  -  -",
    [P_VISIT_CONFIRM]        = "-  -  -  -  -  M  M  M  -  -  -  -  -  R  -  -",
    [P_VISIT_VERIFY]         = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_AFTERSALES_RECEIVE]   = "-  -  -  Y  Y  -  -  O  -  -  -  -  -  R  -  O",
    [P_AFTERSALES_CONFIRM]   = "-  -  -  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_AFTERSALES_ASSIGN]    = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_AFTERSALES_WORK]      = "-  -  -  -  -  -  -  -  -  -  -  Y  -  R  -  -",
    [P_AFTERSALES_RESOLVE_ESC] = "-  S  S  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_FORECAST_DRAFT]       = "-  -  -  -  -  -  Y  O  O  -  -  -  -  R  -  -",
    [P_FORECAST_ASSESS]      = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_FORECAST_APPROVE]     = "Y  Y  Y  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    [P_PLAN]                 = "Y  Y  Y  -  -  Y  Y  O  -  -  -  -  -  R  -  -",
    [P_SUPPORT_CREATE]       = "-  -  -  -  -  -  Y  -  -  -  -  -  -  R  -  -",
    [P_SUPPORT_FORWARD]      = "-  -  -  -  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_SUPPORT_REVIEW]       = "-  -  -  -  -  -  -  -  -  -  -  -  Y  R  -  -",
    [P_CUSTOMER_TIER]        = "-  -  -  -  -  Y  -  -  -  -  -  -  -  R  -  -",
    /* field sales, wave 2: calls by whoever serves the customer; the matrix row "monthly
       focus: publish"; meetings by the SLT, the SSG (minutes of sales meetings: the CSR) and
       the sales managers */
    [P_CALL_LOG]             = "-  -  -  Y  Y  Y  Y  O  O  Y  -  Y  -  R  -  -",
    [P_MONTHLY_FOCUS]        = "Y  Y  Y  -  -  -  -  -  -  -  -  -  -  R  -  -",
    [P_MEETING_RECORD]       = "Y  Y  Y  Y  Y  Y  Y  -  -  -  -  -  -  R  -  -",
    /* collection routine (issue #11) */
    [P_COLLREQ_CREATE]       = "-  -  -  B  B  -  -  O  O  -  -  -  -  R  -  -",
    [P_COLLREQ_CONFIRM]      = "-  -  -  B  B  -  -  -  -  Y  -  -  -  R  -  -",
    [P_COLLREQ_SEND]         = "-  -  -  B  B  -  -  O  -  -  -  -  -  R  -  -",
    [P_COLLREQ_CLOSE]        = "-  -  -  B  B  -  -  -  -  -  -  -  -  R  -  -",
    [P_BANK_CLAIM]           = "-  -  -  Y  Y  -  -  O  -  Y  -  -  -  R  -  -",
    /* market support, wave 2b (issue #12) */
    [P_CONSUMER_COLLECT]     = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
    [P_CONSUMER_CALL]        = "-  -  -  -  -  -  -  -  -  -  -  Y  -  R  -  -",
    [P_TRAVEL_CHECK]         = "-  -  -  Y  Y  -  -  -  -  -  -  -  -  R  -  -",
};
/* clang-format on */

char perm_symbol(enum perm_action a, enum role r)
{
    if (a < 0 || a >= P__COUNT || r < 0 || r >= ROLE__COUNT || !matrix[a])
        return '-';
    /* Symbols sit every third character. */
    return matrix[a][3 * (int)r];
}

bool perm_may_act(enum perm_action a, enum role r)
{
    char s = perm_symbol(a, r);
    return s != '-' && s != 'R';
}

bool perm_may_read(enum perm_action a, enum role r)
{
    return perm_symbol(a, r) != '-';
}

static bool eq(const char *a, const char *b)
{
    return a && b && *a && strcmp(a, b) == 0;
}

bool scope_owns_customer(const struct scope_user *u, const struct scope_customer *c)
{
    switch (u->role) {
    case ROLE_KAM:
        return eq(c->kam, u->username);
    case ROLE_REP:
        /* §4: own customers, plus customers without a rep whose KAM is the rep's manager. */
        if (c->rep && *c->rep)
            return eq(c->rep, u->username);
        return eq(c->kam, u->manager);
    default:
        return false;
    }
}

bool scope_sees_customer(const struct scope_user *u, const struct scope_customer *c)
{
    switch (u->role) {
    case ROLE_DEPUTY_DIRECTOR:
        return eq(c->supervisor, u->username);
    case ROLE_MM:
        return eq(c->market, u->market);
    case ROLE_UM:
        return eq(c->region, u->region);
    case ROLE_KAM:
    case ROLE_REP:
        return scope_owns_customer(u, c);
    case ROLE_CUSTOMER:
        return false; /* the portal is off by default; its own scope is added with it */
    case ROLE_NONE:
    case ROLE__COUNT:
        return false;
    default:
        return true; /* gm, sales_director, SSG, finance, warehouse, CS, marketing, auditor,
                        admin see every customer (each through its own field filter) */
    }
}

bool scope_sees_credit(enum role r)
{
    switch (r) {
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER_SERVICE:
    case ROLE_MARKETING:
    case ROLE_CUSTOMER:
    case ROLE_NONE:
        return false;
    default:
        return true;
    }
}

bool perm_reads_money(enum role r)
{
    switch (r) {
    case ROLE_WAREHOUSE:
    case ROLE_CUSTOMER_SERVICE:
    case ROLE_MARKETING:
    case ROLE_ADMIN:
    case ROLE_CUSTOMER:
    case ROLE_NONE:
    case ROLE__COUNT:
        return false;
    default:
        return true;
    }
}

bool perm_reads_quota(enum role r)
{
    return r != ROLE_WAREHOUSE && r != ROLE_CUSTOMER_SERVICE && r != ROLE_CUSTOMER &&
           r != ROLE_NONE && r != ROLE__COUNT;
}

bool perm_reads_budgets(enum role r)
{
    return r != ROLE_REP && r != ROLE_WAREHOUSE && r != ROLE_CUSTOMER && r != ROLE_NONE &&
           r != ROLE__COUNT;
}

size_t perm_caps(enum role r, const char **out, size_t max)
{
    const struct {
        const char *name;
        bool yes;
    } caps[] = {
        {"customer.create", perm_may_act(P_CUSTOMER_CREATE, r)},
        {"order.create", perm_may_act(P_ORDER_CREATE, r)},
        {"payment.create", perm_may_act(P_PAYMENT, r)},
        {"product.create", perm_may_act(P_PRODUCT_EDIT, r)},
        {"credit.read", scope_sees_credit(r)},
        {"money.read", perm_reads_money(r)},
        {"quota.read", perm_reads_quota(r)},
        {"users.read", perm_may_read(P_ORG_ADMIN, r)},
        {"audit.read", perm_may_read(P_AUDIT_READ, r)},
        {"price_list.create", perm_may_act(P_PRICE_LIST_DRAFT, r)},
        {"price_list.read", perm_may_read(P_PRICE_LIST_READ, r)},
        /* issue #17: the menu shows only pages whose list the role may read */
        {"work_log.read", perm_may_read(P_VISIT_WORK, r)},
        {"budget.read", perm_reads_budgets(r)},
        {"credit_review.read", perm_may_read(P_CREDIT_REVIEW_CREATE, r) ||
                                   perm_may_read(P_CREDIT_REVIEW_ADJUST, r) ||
                                   perm_may_read(P_CREDIT_REVIEW_APPROVE, r)},
        {"credit_grade.read", perm_may_read(P_CREDIT_GRADE_OVERRIDE, r) ||
                                  (scope_sees_credit(r) && perm_reads_money(r))},
        /* the collection routine's pages (issue #11): the lists their flows let the role read */
        {"bank.read", perm_may_read(P_BANK_CLAIM, r)},
        {"collection_request.read",
         perm_may_read(P_COLLREQ_CREATE, r) || perm_may_read(P_COLLREQ_CONFIRM, r)},
        {"call_list.read", perm_may_read(P_CALL_LOG, r) && perm_reads_money(r)},
        /* the quarter's satisfaction calls (issue #13): who reads call logs */
        {"call_log.read", perm_may_read(P_CALL_LOG, r)},
        /* market files and consumer records (issue #12): the menu entry and the forms */
        {"consumer.read",
         perm_may_read(P_CONSUMER_COLLECT, r) || perm_may_read(P_CONSUMER_CALL, r)},
        {"consumer.create", perm_may_act(P_CONSUMER_COLLECT, r)},
        {"consumer.call", perm_may_act(P_CONSUMER_CALL, r)},
        {"support_document.send", perm_may_act(P_SUPPORT_FORWARD, r)},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0] && n < max; i++)
        if (caps[i].yes)
            out[n++] = caps[i].name;
    return n;
}
