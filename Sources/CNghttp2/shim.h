// CNghttp2: the system library target over Debian's libnghttp2-dev (1.52, the ssize_t API).
// Only H2Wire imports this module.
#ifndef H2STRESS_CNGHTTP2_SHIM_H
#define H2STRESS_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
