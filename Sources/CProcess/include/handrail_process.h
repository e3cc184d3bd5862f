#ifndef HANDRAIL_PROCESS_H
#define HANDRAIL_PROCESS_H
/* prctl(2) is variadic, so Swift cannot call it directly. */
int handrail_set_dumpable(int value);
int handrail_get_dumpable(void);
#endif
