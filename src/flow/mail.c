/*
 * mail.c — the e-mail side of the notification outbox (entities §13, flows.md §0.2 and §20
 * "outbox delivery: continuous").
 *
 * notify() (flow/notify.c) queues one notification_emails row per in-app notification whose
 * recipient has an address, in the transaction of the change. This file delivers them: the
 * job reads a batch of due rows, sends each through libcurl's SMTP client with no database
 * lock held, then records the outcomes in one short write transaction. A row is never deleted:
 * it ends sent, or dead after its sixth failed attempt (retries after 1, 5, 30 min, 2 h and
 * 12 h), or failed at once when the server refuses it for good (a 5xx reply, e.g. an unknown
 * mailbox); an administrator can put such a row back (POST /outbox/{id}/retry).
 *
 * Exactly once, as far as SMTP allows: a row is marked sent right after the server accepted
 * the message; only a crash between the two would send it again. A delivery first claims its
 * batch (store_mail_claim: a random token and a lease, FOR UPDATE SKIP LOCKED on PostgreSQL),
 * so deliveries of two instances on one database, or the scheduler tick and POST /jobs/run
 * of one, never send one row twice; the process-wide mutex only keeps one instance's tries
 * in order.
 *
 * The message: UTF-8 plain text in base64, the subject as RFC 2047 encoded words, and
 * X-OSB-Notification carrying the notification id so a receiver can tell repeats.
 */
#include "flow/mail.h"

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "core/sb.h"
#include "core/str.h"
#include "flow/flow.h"
#include "store/mail.h"
#include "store/settings.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 50
#define MAX_BATCHES 20
#define MAX_ATTEMPTS 6 /* the first try and five retries */
#define LEASE_MIN 40   /* a claimed batch: BATCH tries of at most 35 s (connect + transfer) */

/* Wait after the n-th failed attempt (n = 1..5), in minutes. */
static const int64_t backoff_min[MAX_ATTEMPTS - 1] = {1, 5, 30, 120, 720};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}
static pthread_mutex_t deliver_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the message ------------------------------------------------------------------------- */

static void b64(struct sb *out, const unsigned char *s, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *buf = xmalloc(cap);
    sodium_bin2base64(buf, cap, s, n, sodium_base64_VARIANT_ORIGINAL);
    sb_add(out, buf);
    free(buf);
}

/* RFC 2047: encoded words of at most 45 bytes of text each (75 characters encoded), never
   splitting a UTF-8 sequence, folded onto continuation lines. */
static void header_words(struct sb *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    bool first = true;
    if (n == 0)
        return;
    while (i < n) {
        size_t len = n - i < 45 ? n - i : 45;
        while (len > 0 && i + len < n && (s[i + len] & 0xC0) == 0x80)
            len--;
        if (len == 0)
            len = n - i < 45 ? n - i : 45;
        sb_add(out, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
        b64(out, s + i, len);
        sb_add(out, "?=");
        i += len;
        first = false;
    }
}

/* "Mon, 23 Nov 2026 09:30:00 +0800" in the company zone (31 bytes: always fits). */
static void rfc2822_date(ts_t t, int tz, char out[40])
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    date_t d = ts_to_date(t, tz);
    int y, m, dd, mins = ts_minute_of_day(t, tz);
    date_to_ymd(d, &y, &m, &dd);
    int64_t secs = ((t % TS_PER_MIN) + TS_PER_MIN) % TS_PER_MIN / TS_PER_SEC;
    int off = tz < 0 ? -tz : tz;
    if (str_fmt(out, 40, "%s, %02d %s %04d %02d:%02d:%02lld %c%02d%02d", wd[date_weekday(d) - 1],
                dd, mo[m - 1], y, mins / 60, mins % 60, (long long)secs, tz < 0 ? '-' : '+',
                off / 60, off % 60) < 0)
        out[0] = '\0'; /* a year beyond 9999: no Date header rather than a wrong one */
}

static char *build_message(const struct ctx *c, const char *from, json_t *row)
{
    struct sb body = SB_INIT, m = SB_INIT;
    char created[32], date[40];
    ts_format_rfc3339(json_integer_value(json_object_get(row, "created_at")), c->cfg->tz_min,
                      created);
    rfc2822_date(c->now, c->cfg->tz_min, date);
    const char *subject = jstr(row, "subject"), *doc = jstr(row, "document");
    sb_addf(&body, "%s\r\n\r\n", subject);
    if (doc)
        sb_addf(&body, "单据 Document: %s\r\n", doc);
    sb_addf(&body, "事件 Event: %s\r\n时间 Time: %s\r\n", jstr(row, "event"), created);
    if (jstr(row, "body") && *jstr(row, "body"))
        sb_addf(&body, "\r\n%s\r\n", jstr(row, "body"));
    sb_add(&body, "\r\n-- \r\nOSB 订货—发运—结算 (order, shipment and billing)\r\n");
    long long id = (long long)json_integer_value(json_object_get(row, "notification"));
    sb_addf(&m, "From: <%s>\r\nTo: <%s>\r\nSubject: ", from, jstr(row, "address"));
    header_words(&m, subject);
    if (date[0])
        sb_addf(&m, "\r\nDate: %s", date);
    sb_addf(&m,
            "\r\nMessage-ID: <osb-notification-%lld@osb>\r\n"
            "X-OSB-Notification: %lld\r\nX-OSB-Event: %s\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n",
            id, id, jstr(row, "event"));
    struct sb enc = SB_INIT;
    b64(&enc, (const unsigned char *)sb_str(&body), body.len);
    for (size_t i = 0; i < enc.len; i += 76)
        sb_addf(&m, "%.*s\r\n", (int)(enc.len - i < 76 ? enc.len - i : 76), enc.buf + i);
    sb_free(&enc);
    sb_free(&body);
    return sb_detach(&m);
}

/* ---- SMTP -------------------------------------------------------------------------------- */

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    struct upload *u = ud;
    size_t room = size * nitems, left = u->len - u->pos;
    size_t n = left < room ? left : room;
    memcpy(buf, u->data + u->pos, n);
    u->pos += n;
    return n;
}

struct smtp_conf {
    char *url, *from, *user, *pass;
    bool starttls;
};

/* Errors that say the server (or our configuration of it) is unusable, not this message. */
static bool server_level(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_LOGIN_DENIED:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_GOT_NOTHING:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

/* Sends one message; CURLE_OK or the error, with a one-line reason in err. */
static CURLcode smtp_send(CURL *h, const struct smtp_conf *sc, const char *to, const char *msg,
                          char err[CURL_ERROR_SIZE])
{
    struct sb rcpt_addr = SB_INIT, from_addr = SB_INIT;
    sb_addf(&rcpt_addr, "<%s>", to);
    sb_addf(&from_addr, "<%s>", sc->from);
    struct curl_slist *rcpt = curl_slist_append(NULL, sb_str(&rcpt_addr));
    struct upload up = {msg, strlen(msg), 0};
    err[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, sc->url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, sb_str(&from_addr));
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    if (sc->user && *sc->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, sc->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, sc->pass ? sc->pass : "");
    }
    if (sc->starttls)
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(rcpt);
    sb_free(&rcpt_addr);
    sb_free(&from_addr);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    if (rc != CURLE_OK && !err[0])
        (void)str_copy(err, CURL_ERROR_SIZE, curl_easy_strerror(rc)); /* a cut reason will do */
    return rc;
}

/* ---- the job ----------------------------------------------------------------------------- */

struct outcome {
    int64_t id;
    int attempts; /* before this try */
    bool ok;
    bool permanent; /* the server refused it for good (5xx): failed, no retry */
    char err[CURL_ERROR_SIZE];
};

static int record_once(struct ctx *c, const char *claim, const struct outcome *o, size_t n,
                       struct osb_err *e)
{
    if (db_begin(c->db, e) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (o[i].ok) {
            rc = store_mail_sent(c->db, e, o[i].id, claim, c->now);
        } else if (o[i].permanent || o[i].attempts + 1 >= MAX_ATTEMPTS) {
            rc = store_mail_give_up(c->db, e, o[i].id, claim, o[i].permanent ? "failed" : "dead",
                                    o[i].err);
        } else {
            int64_t wait = backoff_min[o[i].attempts < 0 ? 0 : o[i].attempts] * TS_PER_MIN;
            rc = store_mail_later(c->db, e, o[i].id, claim, c->now + wait, o[i].err);
        }
        if (rc < 0) {
            db_rollback(c->db);
            return -1;
        }
    }
    return db_commit(c->db, e);
}

/* The outcomes must be written (an unrecorded sent row would go out again once its lease
   ends): a serialization failure on PostgreSQL runs the transaction again, a few times. */
static int record(struct ctx *c, const char *claim, const struct outcome *o, size_t n,
                  struct osb_err *e)
{
    int rc = -1;
    for (int attempt = 0; attempt < 10; attempt++) {
        rc = record_once(c, claim, o, n, e);
        if (rc == 0 || !db_retry_wanted(c->db))
            break;
        err_clear(e);
    }
    return rc;
}

/* Claims the next batch (see store_mail_claim); a serialization failure against another
   instance's claim is tried again. NULL with e set. */
static json_t *claim_batch(struct ctx *c, const char *claim, struct osb_err *e)
{
    for (int attempt = 0;; attempt++) {
        ts_t wall = clock_wall();
        json_t *rows = NULL;
        if (db_begin(c->db, e) == 0) {
            rows = store_mail_claim(c->db, e, c->now, wall, wall + LEASE_MIN * TS_PER_MIN, claim,
                                    BATCH);
            if (rows && db_commit(c->db, e) == 0)
                return rows;
            db_rollback(c->db);
            json_decref(rows);
        }
        if (attempt >= 9 || !db_retry_wanted(c->db))
            return NULL;
        err_clear(e);
    }
}

static int deliver(struct ctx *c, const struct smtp_conf *sc, struct osb_err *e)
{
    CURL *h = curl_easy_init();
    if (!h)
        return err_set(e, ERR_INTERNAL, "curl_easy_init failed");
    int rc = 0, sent = 0, failed = 0;
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
        /* A batch is claimed in a short write transaction, with a token of its own and a
           lease on the wall clock (the test clock may stand still) long enough for a batch of
           slow tries; an instance that dies mid-batch leaves its rows to others afterwards. */
        unsigned char tok[12];
        char claim[2 * sizeof tok + 1];
        randombytes_buf(tok, sizeof tok);
        sodium_bin2hex(claim, sizeof claim, tok, sizeof tok);
        json_t *rows = claim_batch(c, claim, e);
        if (!rows) {
            rc = -1;
            break;
        }
        size_t n = json_array_size(rows);
        if (n == 0) {
            json_decref(rows);
            break;
        }
        struct outcome *out = xcalloc(n, sizeof *out);
        bool down = false;
        for (size_t i = 0; i < n; i++) {
            json_t *r = json_array_get(rows, i);
            out[i].id = json_integer_value(json_object_get(r, "notification"));
            out[i].attempts = (int)json_integer_value(json_object_get(r, "attempts"));
            if (down) {
                /* The server is unreachable: this row's try fails the same way. */
                (void)str_copy(out[i].err, sizeof out[i].err, out[i - 1].err); /* same size */
                continue;
            }
            char *msg = build_message(c, sc->from, r);
            CURLcode cr = smtp_send(h, sc, jstr(r, "address"), msg, out[i].err);
            free(msg);
            out[i].ok = cr == CURLE_OK;
            down = !out[i].ok && server_level(cr);
            long code = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
            out[i].permanent = !out[i].ok && !down && code >= 500 && code < 600;
        }
        for (size_t i = 0; i < n; i++)
            out[i].ok ? sent++ : failed++;
        rc = record(c, claim, out, n, e);
        free(out);
        json_decref(rows);
        if (rc < 0 || down || n < BATCH)
            break;
    }
    curl_easy_cleanup(h);
    if (sent || failed)
        log_info("outbox: %d e-mail(s) sent, %d failed attempt(s)", sent, failed);
    return rc;
}

static char *setting(struct ctx *c, const char *key, const char *dflt)
{
    return settings_get(c->db, key, dflt);
}

int mail_job(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    if (db_in_tx(c->db))
        return err_set(e, ERR_INTERNAL, "the outbox must run outside a transaction");
    struct smtp_conf sc = {setting(c, "smtp_url", ""), setting(c, "smtp_from", "osb@localhost"),
                           setting(c, "smtp_username", ""), setting(c, "smtp_password", ""), false};
    char *tls = setting(c, "smtp_starttls", "false");
    sc.starttls = strcmp(tls, "true") == 0;
    free(tls);
    int rc = 0;
    if (sc.url && *sc.url) { /* no server configured: the rows wait, untouched */
        pthread_once(&curl_once, curl_init);
        pthread_mutex_lock(&deliver_lock);
        rc = deliver(c, &sc, e);
        pthread_mutex_unlock(&deliver_lock);
    }
    free(sc.url), free(sc.from), free(sc.user), free(sc.pass);
    return rc;
}

/* ---- the administrator's view ---------------------------------------------------------- */

static void fix_times(const struct ctx *c, json_t *items)
{
    static const char *const keys[] = {"created_at", "send_after", "sent_at"};
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = json_object_get(it, keys[k]);
            if (json_is_integer(v)) {
                char b[32];
                ts_format_rfc3339(json_integer_value(v), c->cfg->tz_min, b);
                json_object_set_new(it, keys[k], json_string(b));
            }
        }
    }
}

int mail_outbox_list(struct ctx *c, const char *state, const char *q, int limit, int64_t after_id,
                     json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_ADMIN_OPS, e) < 0)
        return -1;
    /* state=a,b (api.md §5.1): each one of the four */
    for (const char *s = state; s && *s;) {
        size_t n = strcspn(s, ",");
        if (!((n == 7 && !strncmp(s, "pending", n)) || (n == 4 && !strncmp(s, "sent", n)) ||
              (n == 6 && !strncmp(s, "failed", n)) || (n == 4 && !strncmp(s, "dead", n))))
            return err_bad(e, "state", "state is pending, sent, failed or dead");
        s += n + (s[n] == ',');
    }
    json_t *items = store_outbox_list(c->db, e, state, q, after_id, limit);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        next = json_sprintf("%lld", (long long)json_integer_value(json_object_get(
                                        json_array_get(items, (size_t)limit - 1), "id")));
    }
    fix_times(c, items);
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

int mail_outbox_retry(struct ctx *c, int64_t id, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_ADMIN_OPS, e) < 0)
        return -1;
    json_t *row = NULL;
    int found = store_outbox_get(c->db, e, id, &row);
    if (found < 0)
        return -1;
    if (found == 0)
        return err_set(e, ERR_NOT_FOUND, "no e-mail %lld in the outbox", (long long)id);
    const char *st = jstr(row, "state");
    if (strcmp(st, "dead") && strcmp(st, "failed")) {
        err_state(e, st, "only a dead or failed e-mail can be retried, not one %s", st);
        json_decref(row);
        return -1;
    }
    json_t *before = json_pack("{sO sO}", "state", json_object_get(row, "state"), "attempts",
                               json_object_get(row, "attempts"));
    json_decref(row);
    json_t *after = json_pack("{ss si}", "state", "pending", "attempts", 0);
    struct sb key = SB_INIT;
    sb_addf(&key, "%lld", (long long)id);
    int rc = store_outbox_reset(c->db, e, id, c->now) < 0 ||
                     flow_audit(c, e, "retry", "outbox", sb_str(&key), before, after) < 0
                 ? -1
                 : 0;
    sb_free(&key);
    json_decref(before);
    json_decref(after);
    if (rc < 0 || store_outbox_get(c->db, e, id, &row) < 0)
        return -1;
    json_t *rows = json_pack("[o]", row ? row : json_null());
    fix_times(c, rows);
    *out = json_incref(row);
    json_decref(rows);
    return 0;
}
