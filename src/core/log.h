/*
 * log.h — the logger: the only code that writes to stderr on its own.
 */
#ifndef OSB_LOG_H
#define OSB_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 0 = errors only, 1 = info (default). */
void log_set_level(int level);

#endif
