/*
 * test_perm.c — table tests for rules/perm.c: the permissions matrix of numbering-and-rules.md
 * §3 and the data scope of §4.
 *
 * The expected rows below were transcribed from the spec table, not from perm.c: one string
 * per action listed in enum perm_action, one symbol per role column in the spec's order
 * (GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS), the spec's '–' written '-'. The
 * third column is the spec row's label, so a reviewer can hold each line against the table.
 */
#include "expect.h"

#include <string.h>

#include "rules/perm.h"

static const struct {
    enum perm_action action;
    const char *symbols; /* 16 symbols, one per role */
    const char *spec_row;
} matrix[] = {
    /*                        GM SD DD SL CSR MM UM KAM REP FIN WH CS MKT AUD ADM CUS */
    {P_ORG_ADMIN, "RRRR---------RY-", "users, markets, regions, warehouses, calendar, settings"},
    {P_PRODUCT_EDIT, "------------YRY-", "products: create, edit"},
    {P_CUSTOMER_CREATE, "---YYYYOO----RY-", "customer: create prospect"},
    {P_CUSTOMER_EDIT, "---YY--OO----RY-", "customer: edit archive"},
    {P_CUSTOMER_APPROVE, "-SSPP--------R--",
     "customer: approve, suspend, reactivate, lift credit hold"},
    {P_CUSTOMER_CLOSE, "---Y---------R--", "customer: close"},
    {P_QUOTA_SET, "------------YRY-", "quota: set (POST /quotas)"},
    {P_QUOTA_TRANSFER, "------G------R--", "quota: transfer between regions"},
    {P_QUOTA_OVER_APPROVE, "YYY----------R--", "quota: over-quota approval"},
    {P_ORDER_CREATE, "-------OO----R-O", "order: create"},
    {P_ORDER_VERIFY, "-------O-----R--", "order: verify"},
    {P_ORDER_APPROVE_MARKET, "-----Y-------R--", "order: approve-market, send-back"},
    {P_ORDER_ACCEPT, "---YY--------R--", "order: accept, check, recheck, request-st, release"},
    {P_ORDER_LOOSE_UNITS, "---Y---------R--", "order: loose-units exception"},
    {P_ORDER_APPROVE, "-SSPP--------R--", "order: approve, return-for-fix, reject"},
    {P_ORDER_ST_VOTE, "YYYPP--------R--", "order: st-vote"},
    {P_ORDER_PRINT, "---------Y---R--", "order: print-delivery-note"},
    {P_ORDER_CANCEL, "---Y---O-----R--",
     "order: cancel (KAM before accepted; SSG leader before released)"},
    {P_SHIPMENT_WORK, "----------Y--R--",
     "shipment: receive, pick, check, book, dispatch, short-close"},
    {P_SHIPMENT_TRACK, "---YY-----Y--R--", "shipment: track"},
    {P_SHIPMENT_DELIVER, "---YY-----Y--R-O", "shipment: deliver (POD)"},
    {P_BACKORDER_SCHEDULE, "---YY--------R--", "backorder: schedule"},
    {P_BACKORDER_CANCEL, "---Y---------R--", "backorder: cancel"},
    {P_STOCK_RECEIPT, "----------Y--RY-", "stock: receipt (POST /stock/receipts), stock count"},
    {P_PAYMENT, "---------Y---R--",
     "payment: register, reverse; bank-pool import; allocate, re-allocate"},
    {P_RETURN_CREATE, "-------OO----R-O", "return: create"},
    {P_RETURN_CONFIRM, "------Y------R--", "return: confirm"},
    {P_RETURN_INSPECT, "-----------Y-R--", "return: inspect"},
    {P_RETURN_APPROVE, "-SS--Y-------R--",
     "return: approve (late returns also the supervising SLT member)"},
    {P_RETURN_RECEIVE, "----------Y--R--", "return: receive"},
    {P_OSB_EXPLAIN, "EEEEE--E-EE--R--", "OSB entry: explain"},
    {P_OSB_RESOLVE, "---Y---------R--", "OSB entry: resolve; record meeting entries"},
    {P_OSB_REOPEN, "YYYY---------R--", "OSB entry: reopen"},
    {P_OSB_MANUAL, "---Y-----HH-HR--", "OSB entry: manual entry"},
    {P_REPORTS, "YYYYYYYYYYYYYRYO",
     "reports (rows limited to scope; warehouse: stock and shipments; admin: master-data lists)"},
    {P_EXPORT_CUSTOMERS, "YYYY---------RY-", "export customer lists / archive"},
    {P_AUDIT_READ, "Y------------YY-", "audit log: read"},
    {P_ADMIN_OPS, "-------------RY-", "test clock; jobs/run"},
    {P_INSTRUMENT_REGISTER, "---YY--OO----R--", "instrument in hand: register"},
    {P_INSTRUMENT_SIGN, "---------Y---R--", "instrument in hand: sign for it"},
    {P_STATEMENT_SEND, "---YY--O-Y---R--", "statement: generate, send"},
    {P_STATEMENT_REPLY, "---YY--O-----R-O", "statement: record customer reply"},
    {P_CONTRACT_DRAFT, "----Y--OO----R--", "contract: draft"},
    {P_CONTRACT_APPROVE, "-SS--Y-------R--", "contract: approve"},
    {P_CONTRACT_SIGN, "----Y--OO----R--", "contract: sign"},
    {P_CONTRACT_ARCHIVE, "---YY--------R--", "contract: archive"},
    {P_INVREQ_CREATE, "-------OO----R--", "invoice request: create"},
    {P_INVREQ_HANDLE, "---YY--------R--",
     "invoice request: review, mail, confirm receipt, archive"},
    {P_INVREQ_ISSUE, "---------Y---R--", "invoice request: issue fapiao"},
    {P_REFUND_REQUEST, "---BB--O-----R--", "prepayment refund: request"},
    {P_REFUND_APPROVE, "-SSPP--------R--", "prepayment refund: approve"},
    {P_REFUND_PAY, "---------Y---R--", "prepayment refund: pay"},
    {P_WRITEOFF_REQUEST, "---------Y---R--", "write-off: request"},
    {P_WRITEOFF_APPROVE, "Y------------R--", "write-off: approve"},
    /* credit (CMR); create adds SD and DD as api.md §5.3 names "ssg_leader, SLT, gm" */
    {P_CREDIT_REVIEW_CREATE, "YYYY---------R--", "credit review: create"},
    {P_CREDIT_REVIEW_ADJUST, "-----Y-------R--", "credit review: adjust a line"},
    {P_CREDIT_REVIEW_APPROVE, "YSSPP--------R--", "credit review: approve"},
    {P_CREDIT_GRADE_OVERRIDE, "---Y---------R--", "credit grade: override"},
    /* customers (numbering-and-rules.md §3; incidents: api.md §5.3) */
    {P_CUSTOMER_SUBMIT, "-------O-----R--", "customer: submit for review"},
    {P_CUSTOMER_QUALIFY, "---------Y---R--", "customer: qualify"},
    {P_CREDIT_INCIDENT, "---Y-----Y---R--", "credit incident: record"},
    /* prices: api.md §5.4 and §5.9 win over the rows "price list: draft" (FIN, MKT) and
       "approve and publish" (SLT) */
    {P_PRICE_LIST_DRAFT, "---Y--------YR--", "price list: draft, import (api.md §5.4)"},
    {P_PRICE_LIST_APPROVE, "YYY----------R--", "price list: approve (api.md §5.4)"},
    {P_PRICE_LIST_PUBLISH, "---Y--------YR--", "price list: publish, retire (api.md §5.4, §5.9)"},
    {P_PRICE_LIST_READ, "RRRRRRRRRR-RRRR-", "price list: read (all but warehouse and portal)"},
    /* corrections: the spec row plus the warehouse, which api.md §5.5 names */
    {P_SHIPMENT_DISCREPANCY, "----Y--O--Y--R-O", "shipment: report discrepancy"},
    /* market support */
    {P_INVREPORT_SUBMIT, "---YY--------R-O", "distributor inventory report: submit"},
    {P_INVREPORT_REVIEW, "------------YR--", "distributor inventory report: review, return"},
    {P_BUDGET_SET, "------------YR--", "expense budget: set"},
    {P_BUDGET_APPROVE, "YYY----------R--", "expense budget: approve"},
    {P_EXPENSE_APPLY, "-----OOO-----R--", "expense application: apply, execute, evaluate"},
    {P_EXPENSE_APPROVE, "-SS--Y-------R--", "expense application: approve"},
    {P_EXPENSE_SETTLE, "---------Y---R--", "expense application: settle"},
    {P_POP_ALLOCATE, "------------YR--", "POP allocation: set"},
    {P_POP_REQUEST, "------YO-----R--", "POP request: create"},
    {P_POP_APPROVE, "-SS--Y-------R--", "POP request: approve"},
    {P_POP_SHIP, "-------O-----R--", "POP request: ship"},
    {P_POP_RECEIVE, "-------O-----R-O", "POP request: confirm receipt"},
    {P_POP_VERIFY, "-------OO----R--", "POP request: verify placement"},
    {P_SAMPLE_FOLLOW_UP, "-----------Y-R--", "sample follow-up"},
    /* field sales */
    {P_CONTRACT_CLOSE, "-----Y-------R--", "contract: complete, terminate (flows §7: mm)"},
    {P_QUOTATION_WORK, "-------OO----R--",
     "quotation/bid: register, prepare, submit, issue, record result"},
    {P_QUOTATION_DECIDE, "-SS--Y-------R--", "quotation/bid: decide, approve (major: also SLT)"},
    {P_QUOTATION_SUPPORT, "-----------Y-R--", "quotation/bid: technical support task"},
    {P_VISIT_WORK, "-----OOOO----R--", "visit plan, visit report, work log"},
    {P_VISIT_CONFIRM, "-----MMM-----R--",
     "visit plan: confirm; report: comment (the owner's manager)"},
    {P_VISIT_VERIFY, "---YY--------R--", "visit verification call"},
    {P_AFTERSALES_RECEIVE, "---YY--O-----R-O", "after-sales: receive"},
    {P_AFTERSALES_CONFIRM, "-----Y-------R--", "after-sales: confirm, reject"},
    {P_AFTERSALES_ASSIGN, "---YY--------R--", "after-sales: assign, close"},
    {P_AFTERSALES_WORK, "-----------Y-R--", "after-sales: start, resolve, escalate"},
    {P_AFTERSALES_RESOLVE_ESC, "-SS--Y-------R--", "after-sales: resolve escalated"},
    {P_FORECAST_DRAFT, "------YOO----R--", "forecast: draft, submit"},
    {P_FORECAST_ASSESS, "---YY--------R--", "forecast: assess, aggregate"},
    {P_FORECAST_APPROVE, "YYY--Y-------R--",
     "forecast: approve (MM for a market, SLT for the company)"},
    {P_PLAN, "YYY--YYO-----R--", "plan: create own level; approve the level below"},
    {P_SUPPORT_CREATE, "------Y------R--", "support request: create"},
    {P_SUPPORT_FORWARD, "----Y--------R--", "support request: forward"},
    {P_SUPPORT_REVIEW, "------------YR--", "support request: review"},
    {P_CUSTOMER_TIER, "-----Y-------R--", "customer: override the tier"},
    /* field sales, wave 2 (issue #13) */
    {P_CALL_LOG, "---YYYYOOY-Y-R--", "call log: record"},
    {P_MONTHLY_FOCUS, "YYY----------R--", "monthly focus: publish"},
    {P_MEETING_RECORD, "YYYYYYY------R--", "meeting: record"},
    /* collection routine (issue #11) */
    {P_COLLREQ_CREATE, "---BB--OO----R--", "collection request: create"},
    {P_COLLREQ_CONFIRM, "---BB----Y---R--", "collection request: confirm (BCR and finance)"},
    {P_COLLREQ_SEND, "---BB--O-----R--", "collection request: send (flows §4.3)"},
    {P_COLLREQ_CLOSE, "---BB--------R--", "collection request: close (flows §4.3)"},
    {P_BANK_CLAIM, "---YY--O-Y---R--", "bank-pool line: claim for a customer"},
    /* market support, wave 2b (issue #12): entities.md §2.5 and flows.md §14.7, §15 */
    {P_CONSUMER_COLLECT, "---YY--------R--", "consumer record: collect"},
    {P_CONSUMER_CALL, "-----------Y-R--", "consumer record: follow-up call"},
    {P_TRAVEL_CHECK, "---YY--------R--", "travel claim: check against visit reports"},
};

/* The role columns of §3, in the spec's order, with the department of entities.md §1.3. */
static const struct {
    enum role role;
    const char *name;
    const char *department;
    bool slt;
} roles[] = {
    {ROLE_GM, "gm", "slt", true},
    {ROLE_SALES_DIRECTOR, "sales_director", "slt", true},
    {ROLE_DEPUTY_DIRECTOR, "deputy_director", "slt", true},
    {ROLE_SSG_LEADER, "ssg_leader", "ssg", false},
    {ROLE_CSR, "csr", "ssg", false},
    {ROLE_MM, "mm", "sales", false},
    {ROLE_UM, "um", "sales", false},
    {ROLE_KAM, "kam", "sales", false},
    {ROLE_REP, "rep", "sales", false},
    {ROLE_FINANCE, "finance", "finance", false},
    {ROLE_WAREHOUSE, "warehouse", "warehouse", false},
    {ROLE_CUSTOMER_SERVICE, "customer_service", "customer_service", false},
    {ROLE_MARKETING, "marketing", "marketing", false},
    {ROLE_AUDITOR, "auditor", "audit", false},
    {ROLE_ADMIN, "admin", "admin", false},
    {ROLE_CUSTOMER, "customer", "customer", false},
};

static void test_matrix_covers_every_action(void **state)
{
    (void)state;
    int bad = 0;
    expect(&bad, ROWS(matrix) == P__COUNT, "%zu expected rows for %d actions", ROWS(matrix),
           (int)P__COUNT);
    expect(&bad, ROWS(roles) == ROLE__COUNT, "%zu roles for %d", ROWS(roles), (int)ROLE__COUNT);
    for (size_t i = 0; i < ROWS(matrix); i++) {
        expect(&bad, strlen(matrix[i].symbols) == ROLE__COUNT, "%s: %zu symbols",
               matrix[i].spec_row, strlen(matrix[i].symbols));
        for (size_t j = 0; j < i; j++)
            expect(&bad, matrix[i].action != matrix[j].action, "%s: action listed twice",
                   matrix[i].spec_row);
    }
    assert_int_equal(bad, 0);
}

static void test_matrix(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < ROWS(matrix); i++) {
        for (size_t k = 0; k < ROWS(roles); k++) {
            enum role r = roles[k].role;
            char want = matrix[i].symbols[k];
            char got = perm_symbol(matrix[i].action, r);
            expect(&bad, got == want, "%s / %s: symbol '%c' want '%c' (spec §3)",
                   matrix[i].spec_row, roles[k].name, got, want);
            bool act = want != '-' && want != 'R';
            bool read = want != '-';
            expect(&bad, perm_may_act(matrix[i].action, r) == act, "%s / %s: may_act %d",
                   matrix[i].spec_row, roles[k].name, act);
            expect(&bad, perm_may_read(matrix[i].action, r) == read, "%s / %s: may_read %d",
                   matrix[i].spec_row, roles[k].name, read);
        }
    }
    assert_int_equal(bad, 0);
}

/* The auditor reads everything and acts on nothing of the matrix except reading the audit log;
   no role but admin runs the test clock: two spec sentences checked across whole columns. */
static void test_matrix_columns(void **state)
{
    (void)state;
    int bad = 0;
    for (int a = 0; a < P__COUNT; a++) {
        char aud = perm_symbol((enum perm_action)a, ROLE_AUDITOR);
        expect(&bad, aud == 'R' || (a == P_AUDIT_READ && aud == 'Y'), "auditor on %d: '%c'", a,
               aud);
        expect(&bad, perm_may_read((enum perm_action)a, ROLE_AUDITOR), "auditor reads %d", a);
    }
    for (int r = 0; r < ROLE__COUNT; r++)
        expect(&bad, perm_may_act(P_ADMIN_OPS, (enum role)r) == (r == ROLE_ADMIN),
               "test clock / %s", role_str((enum role)r));
    assert_int_equal(bad, 0);
}

static void test_out_of_range(void **state)
{
    (void)state;
    assert_int_equal(perm_symbol(P__COUNT, ROLE_GM), '-');
    assert_int_equal(perm_symbol((enum perm_action)-1, ROLE_GM), '-');
    assert_int_equal(perm_symbol(P_REPORTS, ROLE_NONE), '-');
    assert_int_equal(perm_symbol(P_REPORTS, ROLE__COUNT), '-');
    assert_false(perm_may_act(P_REPORTS, ROLE_NONE));
    assert_false(perm_may_read(P_REPORTS, ROLE_NONE));
    assert_false(perm_may_act(P__COUNT, ROLE_ADMIN));
}

static void test_roles(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t k = 0; k < ROWS(roles); k++) {
        expect(&bad, (int)roles[k].role == (int)k, "%s: enum order differs from the spec columns",
               roles[k].name);
        expect(&bad, role_parse(roles[k].name) == roles[k].role, "role_parse(%s)", roles[k].name);
        expect(&bad, strcmp(role_str(roles[k].role), roles[k].name) == 0, "role_str(%s) = %s",
               roles[k].name, role_str(roles[k].role));
        expect(&bad, role_parse(role_str(roles[k].role)) == roles[k].role, "%s round trip",
               roles[k].name);
        expect(&bad, strcmp(role_department(roles[k].role), roles[k].department) == 0,
               "role_department(%s) = %s want %s", roles[k].name,
               role_department(roles[k].role), roles[k].department);
        expect(&bad, role_is_slt(roles[k].role) == roles[k].slt, "role_is_slt(%s)",
               roles[k].name);
    }
    static const char *const not_roles[] = {"", "GM", "gm ", " gm", "sales director", "ceo",
                                            "customers", "ssg"};
    for (size_t i = 0; i < ROWS(not_roles); i++)
        expect(&bad, role_parse(not_roles[i]) == ROLE_NONE, "role_parse(\"%s\") accepted",
               not_roles[i]);
    expect(&bad, role_parse(NULL) == ROLE_NONE, "role_parse(NULL)");
    expect(&bad, strcmp(role_str(ROLE_NONE), "") == 0, "role_str(ROLE_NONE)");
    expect(&bad, strcmp(role_str(ROLE__COUNT), "") == 0, "role_str(ROLE__COUNT)");
    expect(&bad, strcmp(role_department(ROLE_NONE), "") == 0, "role_department(ROLE_NONE)");
    expect(&bad, !role_is_slt(ROLE_NONE), "role_is_slt(ROLE_NONE)");
    assert_int_equal(bad, 0);
}

/* ---- scope (§4) --------------------------------------------------------------------------- */

/* Three customers of the demo shape:
   c1 in market EAST, region SH, KAM kam1 with rep rep1, supervised by dd1;
   c2 in EAST, region HZ, KAM kam1 without a rep;
   c3 in WEST, region CD, KAM kam2 without a rep, supervised by sd1. */
static const struct scope_customer c1 = {"EAST", "SH", "kam1", "rep1", "um1", "dd1"};
static const struct scope_customer c2 = {"EAST", "HZ", "kam1", NULL, "um1", "dd1"};
static const struct scope_customer c3 = {"WEST", "CD", "kam2", "", "um2", "sd1"};
/* A customer with nothing filled in: only the all-seeing roles see it. */
static const struct scope_customer c0 = {NULL, NULL, NULL, NULL, NULL, NULL};

static const struct scope_row {
    const char *name;
    struct scope_user u;
    bool sees[4]; /* c1 c2 c3 c0 */
    bool owns[4];
} scope_rows[] = {
    {"gm sees all", {ROLE_GM, "gm1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"sales director sees all", {ROLE_SALES_DIRECTOR, "sd1", NULL, NULL, NULL, NULL},
     {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"deputy sees supervised markets", {ROLE_DEPUTY_DIRECTOR, "dd1", NULL, NULL, NULL, NULL},
     {1, 1, 0, 0}, {0, 0, 0, 0}},
    {"deputy without markets sees none", {ROLE_DEPUTY_DIRECTOR, "dd2", NULL, NULL, NULL, NULL},
     {0, 0, 0, 0}, {0, 0, 0, 0}},
    {"ssg leader sees all", {ROLE_SSG_LEADER, "ssg1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1},
     {0, 0, 0, 0}},
    {"csr sees all", {ROLE_CSR, "csr1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"mm sees own market", {ROLE_MM, "mm1", "EAST", NULL, NULL, NULL}, {1, 1, 0, 0},
     {0, 0, 0, 0}},
    {"mm of the other market", {ROLE_MM, "mm2", "WEST", NULL, NULL, NULL}, {0, 0, 1, 0},
     {0, 0, 0, 0}},
    {"mm without a market sees none", {ROLE_MM, "mm3", NULL, NULL, NULL, NULL}, {0, 0, 0, 0},
     {0, 0, 0, 0}},
    {"um sees own region", {ROLE_UM, "um1", "EAST", "SH", NULL, NULL}, {1, 0, 0, 0},
     {0, 0, 0, 0}},
    {"um of HZ", {ROLE_UM, "um3", "EAST", "HZ", NULL, NULL}, {0, 1, 0, 0}, {0, 0, 0, 0}},
    {"kam sees and owns own customers", {ROLE_KAM, "kam1", "EAST", "SH", "um1", NULL},
     {1, 1, 0, 0}, {1, 1, 0, 0}},
    {"kam2", {ROLE_KAM, "kam2", "WEST", "CD", "um2", NULL}, {0, 0, 1, 0}, {0, 0, 1, 0}},
    {"kam with another's region sees only own", {ROLE_KAM, "kam3", "EAST", "SH", NULL, NULL},
     {0, 0, 0, 0}, {0, 0, 0, 0}},
    /* rep1 reports to kam1: own c1 (rep = self) and c2 (no rep, KAM = manager); not c3. */
    {"rep: own + manager's customers without a rep", {ROLE_REP, "rep1", NULL, NULL, "kam1", NULL},
     {1, 1, 0, 0}, {1, 1, 0, 0}},
    /* rep2 also reports to kam1 but c1 has rep1: only c2. */
    {"rep: not a colleague's customer", {ROLE_REP, "rep2", NULL, NULL, "kam1", NULL},
     {0, 1, 0, 0}, {0, 1, 0, 0}},
    /* An empty rep counts as "without a rep". */
    {"rep: empty rep is no rep", {ROLE_REP, "rep3", NULL, NULL, "kam2", NULL}, {0, 0, 1, 0},
     {0, 0, 1, 0}},
    {"rep without a manager", {ROLE_REP, "rep4", NULL, NULL, NULL, NULL}, {0, 0, 0, 0},
     {0, 0, 0, 0}},
    {"finance sees all", {ROLE_FINANCE, "fin1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1},
     {0, 0, 0, 0}},
    {"warehouse sees all (logistics fields)", {ROLE_WAREHOUSE, "wh1", NULL, NULL, NULL, NULL},
     {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"customer service sees all (contacts)",
     {ROLE_CUSTOMER_SERVICE, "cs1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"marketing sees all (basic info)", {ROLE_MARKETING, "mkt1", NULL, NULL, NULL, NULL},
     {1, 1, 1, 1}, {0, 0, 0, 0}},
    {"auditor sees all", {ROLE_AUDITOR, "aud1", NULL, NULL, NULL, NULL}, {1, 1, 1, 1},
     {0, 0, 0, 0}},
    {"admin sees all (master data)", {ROLE_ADMIN, "admin", NULL, NULL, NULL, NULL},
     {1, 1, 1, 1}, {0, 0, 0, 0}},
    /* The portal is off by default: a customer user sees no customer archive, not even one
       whose fields happen to carry its username. */
    {"customer sees none", {ROLE_CUSTOMER, "kam1", "EAST", "SH", "kam1", NULL}, {0, 0, 0, 0},
     {0, 0, 0, 0}},
    {"no role sees none", {ROLE_NONE, "x", "EAST", "SH", NULL, NULL}, {0, 0, 0, 0},
     {0, 0, 0, 0}},
};

static void test_scope(void **state)
{
    (void)state;
    const struct scope_customer *cs[4] = {&c1, &c2, &c3, &c0};
    int bad = 0;
    for (size_t i = 0; i < ROWS(scope_rows); i++) {
        const struct scope_row *r = &scope_rows[i];
        for (int k = 0; k < 4; k++) {
            bool sees = scope_sees_customer(&r->u, cs[k]);
            bool owns = scope_owns_customer(&r->u, cs[k]);
            expect(&bad, sees == r->sees[k], "%s: sees c%d = %d", r->name, (k + 1) % 4, sees);
            expect(&bad, owns == r->owns[k], "%s: owns c%d = %d", r->name, (k + 1) % 4, owns);
            /* Owning implies seeing. */
            expect(&bad, !owns || sees, "%s: owns c%d without seeing it", r->name, (k + 1) % 4);
        }
    }
    assert_int_equal(bad, 0);
}

/* An empty username must not match an empty field: a half-filled user sees nothing. */
static void test_scope_empty_strings(void **state)
{
    (void)state;
    const struct scope_customer blank = {"", "", "", "", "", ""};
    const struct scope_user kam = {ROLE_KAM, "", "", "", "", NULL};
    const struct scope_user rep = {ROLE_REP, "", "", "", "", NULL};
    const struct scope_user mm = {ROLE_MM, "mm", "", "", NULL, NULL};
    const struct scope_user um = {ROLE_UM, "um", "", "", NULL, NULL};
    const struct scope_user dd = {ROLE_DEPUTY_DIRECTOR, "", NULL, NULL, NULL, NULL};
    assert_false(scope_sees_customer(&kam, &blank));
    assert_false(scope_owns_customer(&kam, &blank));
    assert_false(scope_sees_customer(&rep, &blank));
    assert_false(scope_owns_customer(&rep, &blank));
    assert_false(scope_sees_customer(&mm, &blank));
    assert_false(scope_sees_customer(&um, &blank));
    assert_false(scope_sees_customer(&dd, &blank));
}

static void test_sees_credit(void **state)
{
    (void)state;
    /* §4: warehouse sees no prices or amounts, customer service "no ledger", marketing "AR only
       in aggregate", the customer never its limit (default). */
    static const enum role hidden[] = {ROLE_WAREHOUSE, ROLE_CUSTOMER_SERVICE, ROLE_MARKETING,
                                       ROLE_CUSTOMER, ROLE_NONE};
    static const enum role shown[] = {ROLE_GM,  ROLE_SALES_DIRECTOR, ROLE_DEPUTY_DIRECTOR,
                                      ROLE_SSG_LEADER, ROLE_CSR, ROLE_MM, ROLE_UM, ROLE_KAM,
                                      ROLE_REP, ROLE_FINANCE, ROLE_AUDITOR};
    int bad = 0;
    for (size_t i = 0; i < ROWS(hidden); i++)
        expect(&bad, !scope_sees_credit(hidden[i]), "%s sees credit", role_str(hidden[i]));
    for (size_t i = 0; i < ROWS(shown); i++)
        expect(&bad, scope_sees_credit(shown[i]), "%s does not see credit", role_str(shown[i]));
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_covers_every_action),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_matrix_columns),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_scope_empty_strings),
        cmocka_unit_test(test_sees_credit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
