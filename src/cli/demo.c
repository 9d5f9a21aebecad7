/*
 * demo.c — `osb demo`: a demo company built through the same flows the API uses (so every
 * row is validated and audited): 8 markets with their MM, 2 regions each with a UM and a KAM,
 * one user of every other role, customers, products, two warehouses with stock, quotas and a
 * sample holiday calendar. Every demo user's password is "demo123".
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "core/docno.h"
#include "core/str.h"
#include "flow/masterdata.h"
#include "flow/order.h"
#include "flow/payment.h"
#include "flow/quota.h"
#include "flow/shipment.h"
#include "flow/stock.h"
#include "store/masterdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The demo's names and numbers are fixed data sized to their buffers: one that does not fit
   is a bug in this file, so the command stops rather than make cut-off data. */
static void demo_cut(const char *what)
{
    fprintf(stderr, "osb: internal: demo data '%s...' does not fit its buffer\n", what);
    exit(EXIT_FAILURE);
}
#define DEMO_FMT(buf, ...)                                                                         \
    do {                                                                                           \
        if (str_fmt(buf, sizeof buf, __VA_ARGS__) < 0)                                             \
            demo_cut(buf);                                                                         \
    } while (0)

static int fails;

static void create(struct ctx *c, const struct record_def *d, json_t *body)
{
    struct osb_err e = OSB_ERR_INIT;
    json_t *out = NULL;
    if (md_create(c, d, body, &out, &e) < 0) {
        char *txt = json_dumps(body, JSON_COMPACT);
        if (fails < 5)
            fprintf(stderr, "osb: %s: demo %s %s: %s\n", err_code_str(e.code), d->object, txt,
                    e.message);
        free(txt);
        fails++;
    }
    json_decref(out);
    json_decref(body);
    err_clear(&e);
}

static void patch(struct ctx *c, const struct record_def *d, const char *key, json_t *body)
{
    struct osb_err e = OSB_ERR_INIT;
    json_t *out = NULL;
    if (md_patch(c, d, key, body, &out, &e) < 0) {
        fprintf(stderr, "osb: %s: demo patch %s %s: %s\n", err_code_str(e.code), d->object, key,
                e.message);
        fails++;
    }
    json_decref(out);
    json_decref(body);
    err_clear(&e);
}

static void user(struct ctx *c, const char *username, const char *name, const char *role,
                 const char *region, const char *manager, const char *proxy_for)
{
    json_t *b = json_pack("{ss ss ss ss}", "username", username, "name", name, "password",
                          "demo123", "role", role);
    if (region)
        json_object_set_new(b, "region", json_string(region));
    if (manager)
        json_object_set_new(b, "manager", json_string(manager));
    if (proxy_for)
        json_object_set_new(b, "proxy_for", json_string(proxy_for));
    json_object_set_new(b, "email", json_sprintf("%s@demo.osb.local", username));
    create(c, &rd_user, b);
}

static const struct {
    const char *code, *name, *sup, *r1, *r1name, *r2, *r2name;
} markets[] = {
    {"NE", "东北", "director", "SY", "沈阳", "HRB", "哈尔滨"},
    {"N", "华北", "director", "BJ", "北京", "TJ", "天津"},
    {"NW", "西北", "director", "XA", "西安", "LZ", "兰州"},
    {"C", "华中", "director", "WH", "武汉", "CS", "长沙"},
    {"SD", "山东", "deputy", "JN", "济南", "QD", "青岛"},
    {"E", "华东", "deputy", "SH", "上海", "HZ", "杭州"},
    {"S", "华南", "deputy", "GZ", "广州", "SZ", "深圳"},
    {"SW", "西南", "deputy", "CD", "成都", "CQ", "重庆"},
};

static const struct {
    const char *sku, *name, *spec, *unit, *kind;
    int case_size;
    long long price;
} products[] = {
    {"M-IF1-900", "M牌婴儿配方奶粉1段", "900g/听", "听", "goods", 12, 26800},
    {"M-IF2-900", "M牌较大婴儿配方奶粉2段", "900g/听", "听", "goods", 12, 25800},
    {"M-IF3-900", "M牌幼儿配方奶粉3段", "900g/听", "听", "goods", 12, 23800},
    {"M-IF1-400", "M牌婴儿配方奶粉1段", "400g/听", "听", "goods", 24, 12800},
    {"M-KID-800", "M牌儿童成长奶粉", "800g/听", "听", "goods", 12, 16800},
    {"M-MOM-800", "M牌孕产妇奶粉", "800g/听", "听", "goods", 12, 19800},
    {"M-ADL-800", "M牌中老年高钙奶粉", "800g/听", "听", "goods", 12, 13800},
    {"M-RICE-225", "M牌营养米粉", "225g/盒", "盒", "goods", 24, 3800},
    {"M-BAG-400", "M牌全脂奶粉", "400g/袋", "袋", "goods", 30, 3200},
    {"M-SAMPLE-30", "M牌1段小听粉(试用)", "30g/听", "听", "sample", 48, 0},
    {"M-POP-POSTER", "M牌售点海报", "A1", "张", "pop", 50, 0},
    {"M-OLD-900", "M牌旧版配方奶粉(停产)", "900g/听", "听", "goods", 12, 21800},
};

/* ---- some history: documents in several states, made by the users whose work they are ---- */

/* Runs one step as `user`; on refusal counts a failure. Answers the document number (or the
   shipment list's first number with want = "shipment") into out when asked. */
static void step(struct db *db, const struct config *cfg, const char *user, const char *what,
                 const char *number, const char *action, json_t *body, char *out, size_t n)
{
    struct osb_err e = OSB_ERR_INIT;
    struct ctx c;
    json_t *res = NULL;
    int rc = cli_ctx(&c, db, cfg, user, &e);
    if (rc == 0) {
        if (strcmp(what, "order") == 0 && !number)
            rc = order_create(&c, body, &res, &e);
        else if (strcmp(what, "order") == 0)
            rc = order_act(&c, number, action, body, &res, &e);
        else if (strcmp(what, "shipment") == 0)
            rc = shipment_act(&c, number, action, body, &res, &e);
        else
            rc = payment_create(&c, body, &res, &e);
    }
    if (rc < 0) {
        if (fails < 5)
            fprintf(stderr, "osb: %s: demo history %s %s %s: %s\n", err_code_str(e.code), what,
                    number ? number : "", action ? action : "create", e.message);
        fails++;
    } else if (out) {
        json_t *v = json_object_get(res, "number");
        if (strcmp(what, "order") == 0 && action && strcmp(action, "release") == 0)
            v = json_array_get(json_object_get(res, "shipments"), 0);
        if (str_copy(out, n, json_string_value(v)) < 0)
            demo_cut(out);
    }
    json_decref(res);
    json_decref(body);
    err_clear(&e);
}

/* An order of customer by its KAM, taken through the OP steps up to (and including) `upto`. */
static void order_to(struct db *db, const struct config *cfg, const char *cust, const char *kam,
                     const char *mm, const char *slt, const char *sku, int qty, const char *upto,
                     char *number, char *shipment)
{
    static const char *const path[] = {"verify",  "approve-market",      "accept", "check",
                                       "approve", "print-delivery-note", "release"};
    step(db, cfg, kam, "order", NULL, NULL,
         json_pack("{ss s[{ss si}] ss}", "customer", cust, "lines", "sku", sku, "qty", qty, "note",
                   "演示订单"),
         number, DOCNO_MAX);
    for (size_t i = 0; i < sizeof path / sizeof path[0] && *number && strcmp(upto, "draft"); i++) {
        const char *who = i == 0 ? kam : i == 1 ? mm : i == 4 ? slt : i == 5 ? "finance" : "csr_a";
        step(db, cfg, who, "order", number, path[i], json_object(), i == 6 ? shipment : NULL,
             DOCNO_MAX);
        if (strcmp(path[i], upto) == 0)
            break;
    }
}

static void history(struct db *db, const struct config *cfg)
{
    char n[DOCNO_MAX] = "", sh[DOCNO_MAX] = "";
    /* Delivered and invoiced, half paid. */
    order_to(db, cfg, "GZ01", "kam_GZ", "mm_S", "deputy", "M-IF1-900", 240, "release", n, sh);
    static const char *const ship[] = {"receive", "pick", "check", "book", "dispatch", "deliver"};
    for (size_t i = 0; i < 6 && *sh; i++) {
        json_t *b;
        if (strcmp(ship[i], "book") == 0)
            b = json_pack("{ss ss ss}", "carrier", "顺丰物流", "station", "城东托运站", "waybill",
                          "SF1000000001");
        else if (strcmp(ship[i], "deliver") == 0)
            b = json_pack("{ss}", "signed_by", "李老板");
        else
            b = json_object();
        step(db, cfg, "warehouse", "shipment", sh, ship[i], b, NULL, 0);
    }
    char today[11];
    date_format(ts_to_date(clock_now(), cfg->tz_min), today);
    step(db, cfg, "finance", "payment", NULL, NULL,
         json_pack("{ss sI ss ss ss}", "customer", "GZ01", "amount_fen", (json_int_t)3216000,
                   "method", "bank_transfer", "reference", "DEMO-0001", "received_on", today),
         NULL, 0);
    /* Released, waiting for the warehouse. */
    order_to(db, cfg, "SZ01", "kam_SZ", "mm_S", "deputy", "M-IF2-900", 120, "release", n, sh);
    /* Approved, waiting for finance to print. */
    order_to(db, cfg, "SH01", "kam_SH", "mm_E", "deputy", "M-KID-800", 60, "approve", n, sh);
    /* Waiting for the supervising SLT member. */
    order_to(db, cfg, "BJ01", "kam_BJ", "mm_N", "director", "M-IF3-900", 96, "check", n, sh);
    /* A prepay-only customer's order waiting for money. */
    order_to(db, cfg, "GZ90", "kam_GZ", "mm_S", "deputy", "M-RICE-225", 48, "check", n, sh);
    /* Submitted, waiting for acceptance; and a draft. */
    order_to(db, cfg, "CD01", "kam_CD", "mm_SW", "deputy", "M-MOM-800", 24, "approve-market", n,
             sh);
    order_to(db, cfg, "GZ02", "kam_GZ", "mm_S", "deputy", "M-ADL-800", 36, "draft", n, sh);
}

int cmd_demo(int argc, char **argv)
{
    struct cli_opts o;
    if (cli_parse("demo", argc, argv, "db=,bare,as-of=", &o) < 0)
        return EXIT_USAGE;
    const char *as_of = cli_opt(&o, "as-of");
    if (as_of) {
        /* The test suites make their template as of the scenario clock's start. */
        ts_t t;
        if (!ts_parse_rfc3339(as_of, &t))
            return cli_usage("demo", "--as-of takes an RFC 3339 instant,"
                                     " e.g. 2026-12-01T09:00:00+08:00");
        clock_set_test(t);
    }
    struct osb_err e = OSB_ERR_INIT;
    struct db *db;
    struct config cfg;
    if (cli_open(cli_opt(&o, "db"), &db, &cfg, &e) < 0)
        return cli_fail(&e);
    int64_t n = 0;
    if (db_int(db, &e, &n, "SELECT count(*) FROM markets", NULL) < 0)
        return cli_fail(&e);
    if (n > 0) {
        db_close(db);
        err_set(&e, ERR_DUPLICATE, "the database already has master data; demo not added");
        return cli_fail(&e);
    }
    struct ctx c;
    if (cli_ctx(&c, db, &cfg, "admin", &e) < 0 || db_begin(db, &e) < 0)
        return cli_fail(&e);
    fails = 0;

    /* Leadership, secretariat and the other departments. */
    user(&c, "gm", "王总经理", "gm", NULL, NULL, NULL);
    user(&c, "director", "李销售总监", "sales_director", NULL, "gm", NULL);
    user(&c, "deputy", "张销售副总监", "deputy_director", NULL, "director", NULL);
    user(&c, "ssg_leader", "陈秘书组长", "ssg_leader", NULL, "deputy", "deputy");
    user(&c, "csr_a", "刘内勤A", "csr", NULL, "ssg_leader", NULL);
    user(&c, "csr_b", "赵内勤B", "csr", NULL, "ssg_leader", "director");
    user(&c, "finance", "孙财务", "finance", NULL, NULL, NULL);
    user(&c, "warehouse", "周储运", "warehouse", NULL, NULL, NULL);
    user(&c, "service", "吴客服", "customer_service", NULL, NULL, NULL);
    user(&c, "marketing", "郑市场", "marketing", NULL, NULL, NULL);
    user(&c, "auditor", "冯审计", "auditor", NULL, NULL, NULL);

    for (size_t i = 0; i < sizeof markets / sizeof markets[0]; i++) {
        const char *m = markets[i].code;
        bool dir = strcmp(markets[i].sup, "director") == 0;
        create(&c, &rd_market,
               json_pack("{ss ss ss ss ss}", "code", m, "name", markets[i].name, "slt_supervisor",
                         markets[i].sup, "bcr", dir ? "csr_b" : "ssg_leader", "default_csr",
                         "csr_a"));
        const char *regions[2][2] = {{markets[i].r1, markets[i].r1name},
                                     {markets[i].r2, markets[i].r2name}};
        for (int r = 0; r < 2; r++)
            create(
                &c, &rd_region,
                json_pack("{ss ss ss}", "code", regions[r][0], "name", regions[r][1], "market", m));
        char mm[32], mmname[64];
        DEMO_FMT(mm, "mm_%s", m);
        DEMO_FMT(mmname, "%s市场经理", markets[i].name);
        json_t *mb = json_pack("{ss ss ss ss ss ss}", "username", mm, "name", mmname, "password",
                               "demo123", "role", "mm", "market", m, "manager", markets[i].sup);
        create(&c, &rd_user, mb);
        patch(&c, &rd_market, m, json_pack("{ss}", "mm", mm));
        for (int r = 0; r < 2; r++) {
            char um[32], kam[32], rep[32], nm[64];
            const char *rc = regions[r][0];
            DEMO_FMT(um, "um_%s", rc);
            DEMO_FMT(kam, "kam_%s", rc);
            DEMO_FMT(rep, "rep_%s", rc);
            DEMO_FMT(nm, "%s区域经理", regions[r][1]);
            user(&c, um, nm, "um", rc, mm, NULL);
            patch(&c, &rd_region, rc, json_pack("{ss}", "um", um));
            DEMO_FMT(nm, "%s客户经理", regions[r][1]);
            user(&c, kam, nm, "kam", rc, um, NULL);
            DEMO_FMT(nm, "%s销售代表", regions[r][1]);
            user(&c, rep, nm, "rep", rc, kam, NULL);
            /* Two customers per region: a distributor and a wholesaler. */
            for (int k = 1; k <= 2; k++) {
                char code[32], name[128], cons[64];
                DEMO_FMT(code, "%s%02d", rc, k);
                DEMO_FMT(name, "%s%s", regions[r][1],
                         k == 1 ? "恒通商贸有限公司" : "百佳食品批发部");
                DEMO_FMT(cons, "%s收货部", regions[r][1]);
                json_t *cb = json_pack(
                    "{ss ss ss ss ss sI si ss ss ss ss ss ss ss ss ss ss}", "code", code, "name",
                    name, "market", m, "region", rc, "kam", kam, "credit_limit_fen",
                    (json_int_t)(k == 1 ? 50000000 : 10000000), "payment_term_days",
                    k == 1 ? 30 : 15, "grade", k == 1 ? "B" : "C", "tier",
                    k == 1 ? "key" : "general", "channel", k == 1 ? "distributor" : "wholesaler",
                    "nature", "general_company", "consignee", cons, "consignee_phone",
                    "020-12345678", "consignment_station", "城东托运站", "address", "人民路88号",
                    "phone", "020-87654321", "owner", "李老板");
                if (k == 2)
                    json_object_set_new(cb, "rep", json_string(rep));
                json_object_set_new(cb, "arrival_address", json_string("城东托运站转人民路88号"));
                json_object_set_new(cb, "contacts",
                                    json_pack("[{ss ss ss sb}]", "name", "李老板", "title",
                                              "总经理", "phone", "13800000000", "primary", 1));
                create(&c, &rd_customer, cb);
            }
        }
    }
    /* A prepay-only customer and one on credit hold, for the credit rules. */
    create(&c, &rd_customer,
           json_pack("{ss ss ss ss ss sI si sb ss ss ss}", "code", "GZ90", "name",
                     "广州新客户商行(先款后货)", "market", "S", "region", "GZ", "kam", "kam_GZ",
                     "credit_limit_fen", (json_int_t)0, "payment_term_days", 0, "prepay_only", 1,
                     "consignee", "新客户", "consignee_phone", "13900000000", "consignment_station",
                     "广州站"));
    create(&c, &rd_customer,
           json_pack("{ss ss ss ss ss sI si sb ss ss}", "code", "SZ90", "name",
                     "深圳欠款商行(信用冻结)", "market", "S", "region", "SZ", "kam", "kam_SZ",
                     "credit_limit_fen", (json_int_t)5000000, "payment_term_days", 30,
                     "credit_hold", 1, "credit_hold_reason", "长期逾期", "grade", "E"));

    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
        json_t *pb = json_pack("{ss ss ss ss si sI ss}", "sku", products[i].sku, "name",
                               products[i].name, "spec", products[i].spec, "unit", products[i].unit,
                               "case_size", products[i].case_size, "price_fen",
                               (json_int_t)products[i].price, "kind", products[i].kind);
        if (strcmp(products[i].sku, "M-OLD-900") == 0)
            json_object_set_new(pb, "active", json_false());
        create(&c, &rd_product, pb);
    }
    create(&c, &rd_warehouse,
           json_pack("{ss ss ss ss}", "code", "WH-GZ", "name", "广州总仓", "address",
                     "广州市黄埔区仓储路1号", "scr", "warehouse"));
    create(&c, &rd_warehouse,
           json_pack("{ss ss ss ss}", "code", "WH-SH", "name", "上海分仓", "address",
                     "上海市嘉定区物流园8号", "scr", "warehouse"));

    /* Stock: two batches of every active goods SKU in Guangzhou, one in Shanghai. */
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
        if (strcmp(products[i].sku, "M-OLD-900") == 0)
            continue;
        struct {
            const char *wh, *batch, *exp;
            int cases;
        } lots[] = {{"WH-GZ", "B2026A", "2027-06-30", 400},
                    {"WH-GZ", "B2026B", "2027-12-31", 600},
                    {"WH-SH", "B2026A", "2027-06-30", 300}};
        for (size_t l = 0; l < 3; l++) {
            json_t *out = NULL;
            json_t *b = json_pack("{ss ss ss sI ss}", "warehouse", lots[l].wh, "sku",
                                  products[i].sku, "batch", lots[l].batch, "qty",
                                  (json_int_t)lots[l].cases * products[i].case_size, "expires",
                                  lots[l].exp);
            if (stock_receive(&c, b, &out, &e) < 0) {
                fprintf(stderr, "osb: %s: demo stock: %s\n", err_code_str(e.code), e.message);
                err_clear(&e);
                fails++;
            }
            json_decref(out);
            json_decref(b);
        }
    }

    /* Quotas for this month and next: the Guangzhou region and one customer are limited. */
    char period[8];
    int y, mo, d;
    date_to_ymd(ts_to_date(c.now, cfg.tz_min), &y, &mo, &d);
    for (int k = 0; k < 2; k++) {
        int yy = y + (mo + k - 1) / 12, mm2 = (mo + k - 1) % 12 + 1;
        period_format(yy, mm2, period);
        json_t *qs[] = {
            json_pack("{ss ss ss si}", "period", period, "sku", "M-IF1-900", "region", "GZ", "qty",
                      2400),
            json_pack("{ss ss ss si}", "period", period, "sku", "M-IF1-900", "customer", "GZ01",
                      "qty", 960),
            json_pack("{ss ss ss si}", "period", period, "sku", "M-IF2-900", "region", "SZ", "qty",
                      1200),
        };
        for (size_t q = 0; q < 3; q++) {
            json_t *out = NULL;
            if (quota_set(&c, qs[q], &out, &e) < 0) {
                fprintf(stderr, "osb: %s: demo quota: %s\n", err_code_str(e.code), e.message);
                err_clear(&e);
                fails++;
            }
            json_decref(out);
            json_decref(qs[q]);
        }
    }

    /* A sample 2026/2027 calendar: public holidays and make-up working days (调休). */
    static const struct {
        const char *date;
        int working;
        const char *note;
    } cal[] = {
        {"2026-01-01", 0, "元旦"},     {"2026-01-02", 0, "元旦"},
        {"2026-01-04", 1, "元旦调休"}, {"2026-02-16", 0, "春节"},
        {"2026-02-17", 0, "春节"},     {"2026-02-18", 0, "春节"},
        {"2026-02-19", 0, "春节"},     {"2026-02-20", 0, "春节"},
        {"2026-02-23", 0, "春节"},     {"2026-02-14", 1, "春节调休"},
        {"2026-02-28", 1, "春节调休"}, {"2026-04-06", 0, "清明节"},
        {"2026-05-01", 0, "劳动节"},   {"2026-05-04", 0, "劳动节"},
        {"2026-05-05", 0, "劳动节"},   {"2026-05-09", 1, "劳动节调休"},
        {"2026-06-19", 0, "端午节"},   {"2026-09-25", 0, "中秋节"},
        {"2026-10-01", 0, "国庆节"},   {"2026-10-02", 0, "国庆节"},
        {"2026-10-05", 0, "国庆节"},   {"2026-10-06", 0, "国庆节"},
        {"2026-10-07", 0, "国庆节"},   {"2026-09-20", 1, "国庆调休"},
        {"2026-10-10", 1, "国庆调休"}, {"2027-01-01", 0, "元旦"},
    };
    for (size_t i = 0; i < sizeof cal / sizeof cal[0]; i++)
        if (db_exec(db, &e, "INSERT INTO calendar_days(date, working, note) VALUES(?,?,?)", "sds",
                    cal[i].date, cal[i].working, cal[i].note) < 0) {
            fails++;
            err_clear(&e);
        }

    if (!cli_flag(&o, "bare"))
        history(db, &cfg);

    if (fails) {
        db_rollback(db);
        db_close(db);
        err_set(&e, ERR_INTERNAL, "%d demo rows were refused; nothing was added", fails);
        return cli_fail(&e);
    }
    if (db_commit(db, &e) < 0)
        return cli_fail(&e);
    db_close(db);
    printf("demo company added: 8 markets, 16 regions, customers, products, stock, quotas%s\n"
           "logins (password demo123): gm director deputy ssg_leader csr_a csr_b finance\n"
           "  warehouse service marketing auditor mm_S um_GZ kam_GZ rep_GZ (and the other\n"
           "  markets' mm_<market>, regions' um_/kam_/rep_<region>)\n",
           cli_flag(&o, "bare") ? "" : ", and orders in every state");
    return 0;
}
