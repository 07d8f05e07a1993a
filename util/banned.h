/*
 * banned.h - make unsafe libc calls a compile error.
 *
 * Include this LAST, after every system header, in each .c file of the
 * project: the macros below would otherwise rewrite the libc declarations.
 * Use buf_* (util/buf.h) or snprintf with a checked result instead.
 */
#ifndef FIPSEV_BANNED_H
#define FIPSEV_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_fipsev

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef asctime
#define asctime(x) BANNED(asctime)
#undef ctime
#define ctime(x) BANNED(ctime)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
