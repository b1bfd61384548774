#ifndef HERALD_CLDNS_SHIM_H
#define HERALD_CLDNS_SHIM_H
// ldns uses C99 `bool`; without <stdbool.h> first Swift imports it as Int8.
#include <stdbool.h>
#include <ldns/ldns.h>
#endif
