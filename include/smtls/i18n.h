/* i18n.h: gettext wiring. Core messages are marked with _() and translated when built. */
#ifndef SMTLS_I18N_H
#define SMTLS_I18N_H

#include "config.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#endif
