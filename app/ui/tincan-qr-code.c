/* tincan-qr-code.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A QR code drawn as whole-pixel squares, so phone cameras get crisp edges at any size. It is
 * always dark on white with the four-module quiet zone the standard asks for (ISO/IEC 18004,
 * section 6.3.8): many scanners cannot read inverted codes, so dark mode does not apply. */

#include "config.h"

#include "tincan-qr-code.h"

#include <glib/gi18n.h>
#include <qrencode.h>

#define QUIET_ZONE 4
#define MIN_MODULE_PX 3
#define NATURAL_MODULE_PX 6

struct _TincanQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  guint8    *modules;     /* n_modules × n_modules, 1 for dark */
  guint      n_modules;
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanQrCode, tincan_qr_code, GTK_TYPE_WIDGET)

static void
tincan_qr_code_encode (TincanQrCode *self)
{
  QRcode *code;

  g_clear_pointer (&self->modules, g_free);
  self->n_modules = 0;

  if (self->text == NULL || *self->text == '\0')
    return;

  /* Medium error correction: survives a smudged screen and glare while keeping a LAN
   * URL at version 3 or 4, so modules stay big. */
  code = QRcode_encodeString8bit (self->text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      g_debug ("Cannot encode “%s” as a QR code", self->text);
      return;
    }

  self->n_modules = code->width;
  self->modules = g_malloc ((gsize) code->width * code->width);
  for (int i = 0; i < code->width * code->width; i++)
    self->modules[i] = code->data[i] & 1;
  QRcode_free (code);
}

static void
tincan_qr_code_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  TincanQrCode *self = TINCAN_QR_CODE (widget);
  int total = self->n_modules > 0 ? (int) self->n_modules + 2 * QUIET_ZONE : 29 + 2 * QUIET_ZONE;

  *minimum = total * MIN_MODULE_PX;
  *natural = total * NATURAL_MODULE_PX;
}

static GtkSizeRequestMode
tincan_qr_code_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
tincan_qr_code_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA black = { 0, 0, 0, 1 };
  TincanQrCode *self = TINCAN_QR_CODE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int total = (int) self->n_modules + 2 * QUIET_ZONE;
  int module;
  int side;
  int x0;
  int y0;
  GskRoundedRect clip;

  if (self->n_modules == 0)
    return;

  /* Whole pixels per module: a fractional size would blur every edge. */
  module = MIN (width, height) / total;
  if (module < 1)
    return;
  side = module * total;
  x0 = (width - side) / 2;
  y0 = (height - side) / 2;

  gsk_rounded_rect_init_from_rect (&clip, &GRAPHENE_RECT_INIT (x0, y0, side, side), 2 * module);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));

  x0 += QUIET_ZONE * module;
  y0 += QUIET_ZONE * module;
  for (guint y = 0; y < self->n_modules; y++)
    {
      const guint8 *row = self->modules + (gsize) y * self->n_modules;

      /* One rectangle per horizontal run keeps the render tree small. */
      for (guint x = 0; x < self->n_modules; )
        {
          guint run = 0;

          if (!row[x])
            {
              x++;
              continue;
            }
          while (x + run < self->n_modules && row[x + run])
            run++;
          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + (int) x * module, y0 + (int) y * module,
                                                          (int) run * module, module));
          x += run;
        }
    }

  gtk_snapshot_pop (snapshot);
}

static void
tincan_qr_code_finalize (GObject *object)
{
  TincanQrCode *self = (TincanQrCode *) object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->modules, g_free);

  G_OBJECT_CLASS (tincan_qr_code_parent_class)->finalize (object);
}

static void
tincan_qr_code_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TincanQrCode *self = TINCAN_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_qr_code_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TincanQrCode *self = TINCAN_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      tincan_qr_code_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_qr_code_class_init (TincanQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tincan_qr_code_finalize;
  object_class->get_property = tincan_qr_code_get_property;
  object_class->set_property = tincan_qr_code_set_property;

  widget_class->measure = tincan_qr_code_measure;
  widget_class->get_request_mode = tincan_qr_code_get_request_mode;
  widget_class->snapshot = tincan_qr_code_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tincan_qr_code_init (TincanQrCode *self)
{
}

GtkWidget *
tincan_qr_code_new (void)
{
  return g_object_new (TINCAN_TYPE_QR_CODE, NULL);
}

const char *
tincan_qr_code_get_text (TincanQrCode *self)
{
  g_return_val_if_fail (TINCAN_IS_QR_CODE (self), NULL);

  return self->text;
}

/**
 * tincan_qr_code_set_text:
 * @self: a QR code
 * @text: (nullable): what the code encodes; %NULL draws nothing
 */
void
tincan_qr_code_set_text (TincanQrCode *self,
                         const char   *text)
{
  g_autofree char *description = NULL;

  g_return_if_fail (TINCAN_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  tincan_qr_code_encode (self);

  /* Translators: the accessible description of the QR code; %s is the link it holds */
  description = g_strdup_printf (_("QR code of %s"), text ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * tincan_qr_code_get_n_modules:
 * @self: a QR code
 *
 * Returns: the symbol's width in modules, quiet zone excluded; 0 when there is no code
 */
guint
tincan_qr_code_get_n_modules (TincanQrCode *self)
{
  g_return_val_if_fail (TINCAN_IS_QR_CODE (self), 0);

  return self->n_modules;
}

gboolean
tincan_qr_code_get_module (TincanQrCode *self,
                           guint         x,
                           guint         y)
{
  g_return_val_if_fail (TINCAN_IS_QR_CODE (self), FALSE);
  g_return_val_if_fail (x < self->n_modules && y < self->n_modules, FALSE);

  return self->modules[(gsize) y * self->n_modules + x];
}
