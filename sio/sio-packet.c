/* sio-packet.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:sio-packet
 *
 * Socket.IO packets and their text encoding, the layer between Engine.IO messages and Socket.IO
 * namespaces. Each packet travels as one Engine.IO text message, followed, for binary events and
 * acks, by one Engine.IO binary message per attachment:
 *
 * ```
 * <type>[<attachments>-][<namespace>,][<id>][<JSON payload>]
 * ```
 *
 * The encoder writes what socket.io-parser's `Encoder.encodeAsString()` writes, with
 * JSON.stringify-compatible JSON from sio_json_append(). The decoder follows the reference
 * `Decoder` (socket.io-parser 4.x, protocol 5) including `isPayloadValid()`, with these
 * deliberate differences, all of which reject input the reference would let through:
 *
 * - the type must be a digit from 0 to 6 (the reference reads "" and " " as CONNECT, through
 *   `Number()`);
 * - the attachment count must be decimal digits (the reference takes "", " 1", "0x1", "1e0");
 * - the id must be decimal digits (the reference also counts spaces) and at most 2^53 - 1,
 *   beyond which a JavaScript peer could not represent it;
 * - EVENT and ACK must carry a payload, as the protocol says they MUST (the reference accepts
 *   `2` and `3` alone);
 * - a binary packet's placeholders must each name a distinct attachment, with an integer `num`;
 *   the reference only checks the range, after the last attachment.
 *
 * Protocol 4 (socket.io 2.x clients, Engine.IO 3) uses the same framing. Its differences are
 * handled here: a CONNECT carries the client's query string after the namespace
 * (`0/admin?token=abc,`, split off into sio_packet_get_query() when decoding) and no payload,
 * and `ERROR` (4) may carry any JSON value, usually a plain string (`4"Not authorized"`). Other
 * payloads are checked with the protocol 5 rules, since the reference server decodes protocol 4
 * clients with its protocol 5 parser too.
 */

#include "config.h"

#include "sio-packet.h"

#include "sio-json.h"

#include <string.h>

/* Number.MAX_SAFE_INTEGER: the largest id a JavaScript peer holds exactly. */
#define MAX_PACKET_ID G_GINT64_CONSTANT (9007199254740991)

/* Event names the reference parser refuses, since its socket API gives them another meaning. */
static const char * const reserved_events[] = {
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
};

struct _SioPacket
{
  grefcount      ref_count;
  SioPacketType  type;
  gint64         id;
  char          *nsp;
  char          *query;
  JsonNode      *data;
  GPtrArray     *attachments;
};

/* A plain struct, not a GObject: a decoder has exactly one owner (the connection feeding it
 * messages in order), no properties or signals, and hands packets back through out parameters,
 * so a type system class would add weight and nothing else. */
struct _SioPacketDecoder
{
  int        protocol;
  guint      max_attachments;

  /* The binary packet whose attachments are still arriving, and how many it needs. */
  SioPacket *pending;
  guint      expected;
};

G_DEFINE_BOXED_TYPE (SioPacket, sio_packet, sio_packet_ref, sio_packet_unref)

static gboolean
type_is_valid (SioPacketType type)
{
  return type >= SIO_PACKET_CONNECT && type <= SIO_PACKET_BINARY_ACK;
}

static gboolean
type_is_event (SioPacketType type)
{
  return type == SIO_PACKET_EVENT || type == SIO_PACKET_BINARY_EVENT;
}

static gboolean
type_is_ack (SioPacketType type)
{
  return type == SIO_PACKET_ACK || type == SIO_PACKET_BINARY_ACK;
}

static SioPacket *
packet_new_take (SioPacketType  type,
                 char          *nsp,
                 gint64         id,
                 JsonNode      *data)
{
  SioPacket *self = g_new0 (SioPacket, 1);

  g_ref_count_init (&self->ref_count);
  self->type = type;
  self->nsp = nsp;
  self->id = id;
  self->data = data;
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return self;
}

/**
 * sio_packet_new:
 * @type: the packet type
 * @nsp: (nullable): the namespace, starting with "/"; %NULL for the main namespace "/"
 * @id: the acknowledgement id, from 0 to 2^53 - 1, or -1 for none
 * @data: (nullable) (transfer none): the payload
 *
 * Creates a packet. The payload's shape depends on @type: an object or nothing for
 * %SIO_PACKET_CONNECT, nothing for %SIO_PACKET_DISCONNECT, `[name, args…]` for
 * %SIO_PACKET_EVENT, `[args…]` for %SIO_PACKET_ACK, an object (`{"message": …}`) or, in
 * protocol 4, a string for %SIO_PACKET_CONNECT_ERROR. A null node is not written, as in the
 * reference encoder.
 *
 * For binary data, see sio_packet_add_attachment(); there is no need to use the BINARY types.
 *
 * Returns: (transfer full): a new packet
 */
SioPacket *
sio_packet_new (SioPacketType  type,
                const char    *nsp,
                gint64         id,
                JsonNode      *data)
{
  g_return_val_if_fail (type_is_valid (type), NULL);
  g_return_val_if_fail (nsp == NULL || (nsp[0] == '/' && strchr (nsp, ',') == NULL), NULL);
  g_return_val_if_fail (id >= -1 && id <= MAX_PACKET_ID, NULL);

  return packet_new_take (type,
                          g_strdup (nsp != NULL ? nsp : "/"),
                          id,
                          data != NULL ? json_node_ref (data) : NULL);
}

/**
 * sio_packet_ref:
 * @packet: a packet
 *
 * Returns: (transfer full): @packet
 */
SioPacket *
sio_packet_ref (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  g_ref_count_inc (&packet->ref_count);

  return packet;
}

/**
 * sio_packet_unref:
 * @packet: (transfer full): a packet
 *
 * Drops a reference to @packet, freeing it when it was the last one.
 */
void
sio_packet_unref (SioPacket *packet)
{
  g_return_if_fail (packet != NULL);

  if (!g_ref_count_dec (&packet->ref_count))
    return;

  g_free (packet->nsp);
  g_free (packet->query);
  g_clear_pointer (&packet->data, json_node_unref);
  g_ptr_array_unref (packet->attachments);
  g_free (packet);
}

/**
 * sio_packet_get_kind:
 * @packet: a packet
 *
 * Gets the packet type. Decoded binary packets report %SIO_PACKET_EVENT or %SIO_PACKET_ACK;
 * their attachments tell them apart.
 *
 * Returns: the packet type
 */
SioPacketType
sio_packet_get_kind (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, SIO_PACKET_CONNECT);

  return packet->type;
}

/**
 * sio_packet_get_namespace:
 * @packet: a packet
 *
 * Returns: the namespace, "/" for the main one
 */
const char *
sio_packet_get_namespace (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  return packet->nsp;
}

/**
 * sio_packet_get_id:
 * @packet: a packet
 *
 * Returns: the acknowledgement id, or -1 if the packet has none
 */
gint64
sio_packet_get_id (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, -1);

  return packet->id;
}

/**
 * sio_packet_get_data:
 * @packet: a packet
 *
 * Gets the payload. For binary packets it still contains the placeholders; see
 * sio_packet_lookup_placeholder().
 *
 * Returns: (transfer none) (nullable): the payload, or %NULL if the packet has none
 */
JsonNode *
sio_packet_get_data (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  return packet->data;
}

/**
 * sio_packet_get_query:
 * @packet: a packet
 *
 * Gets the query string a protocol 4 client appended to the namespace of its CONNECT packet
 * (`0/admin?token=abc,` gives namespace "/admin" and query "token=abc", without the "?"; parse
 * it with g_uri_parse_params(): the reference server uses its parameters as the auth payload).
 * Protocol 5 clients send an auth payload instead, and the query is always %NULL.
 *
 * Returns: (nullable): the query string, or %NULL
 */
const char *
sio_packet_get_query (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  return packet->query;
}

/**
 * sio_packet_set_query:
 * @packet: a %SIO_PACKET_CONNECT packet
 * @query: (nullable): a query string, already URI-encoded, without the leading "?"
 *
 * Sets the query string that protocol 4 writes after the namespace of a CONNECT packet. Protocol
 * 5 does not write it.
 */
void
sio_packet_set_query (SioPacket  *packet,
                      const char *query)
{
  g_return_if_fail (packet != NULL);
  g_return_if_fail (packet->type == SIO_PACKET_CONNECT);
  g_return_if_fail (query == NULL || strchr (query, ',') == NULL);

  if (g_strcmp0 (packet->query, query) == 0)
    return;

  g_free (packet->query);
  packet->query = g_strdup (query);
}

/**
 * sio_packet_get_attachments:
 * @packet: a packet
 *
 * Gets the binary attachments: attachment N is what placeholder N in the data stands for.
 *
 * Returns: (transfer none) (element-type GBytes): the attachments, possibly empty
 */
GPtrArray *
sio_packet_get_attachments (SioPacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  return packet->attachments;
}

/**
 * sio_packet_add_attachment:
 * @packet: an event or ack packet
 * @bytes: (transfer none): the binary data
 *
 * Appends a binary attachment. Put sio_packet_new_placeholder() with the returned number in the
 * data where the binary value goes; the packet is then sent as a BINARY_EVENT or BINARY_ACK.
 *
 * Returns: the attachment's number
 */
guint
sio_packet_add_attachment (SioPacket *packet,
                           GBytes    *bytes)
{
  g_return_val_if_fail (packet != NULL, 0);
  g_return_val_if_fail (type_is_event (packet->type) || type_is_ack (packet->type), 0);
  g_return_val_if_fail (bytes != NULL, 0);

  g_ptr_array_add (packet->attachments, g_bytes_ref (bytes));

  return packet->attachments->len - 1;
}

/**
 * sio_packet_new_placeholder:
 * @num: an attachment number
 *
 * Creates the object that stands for attachment @num in a packet's data:
 * `{"_placeholder":true,"num":@num}`.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
sio_packet_new_placeholder (guint num)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_boolean_member (object, "_placeholder", TRUE);
  json_object_set_int_member (object, "num", num);

  return json_node_init_object (json_node_alloc (), object);
}

/* The reference recognises a placeholder by `_placeholder === true` alone; the "num" is then
 * checked separately. Returns FALSE for anything else. */
static gboolean
node_is_placeholder (JsonNode *node)
{
  JsonNode *flag;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  flag = json_object_get_member (json_node_get_object (node), "_placeholder");

  return flag != NULL &&
         JSON_NODE_HOLDS_VALUE (flag) &&
         json_node_get_value_type (flag) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (flag);
}

/* Reads the placeholder's attachment number; FALSE unless it is an integer in [0, limit). */
static gboolean
placeholder_get_num (JsonNode *node,
                     guint     limit,
                     guint    *num)
{
  JsonNode *member = json_object_get_member (json_node_get_object (node), "num");
  GType type;

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member))
    return FALSE;

  type = json_node_get_value_type (member);
  if (type == G_TYPE_INT64)
    {
      gint64 value = json_node_get_int (member);

      if (value < 0 || value >= limit)
        return FALSE;
      *num = (guint) value;
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (member);

      /* Also false for NaN. */
      if (!(value >= 0 && value < limit) || value != (double) (guint) value)
        return FALSE;
      *num = (guint) value;
      return TRUE;
    }

  return FALSE;
}

/**
 * sio_packet_lookup_placeholder:
 * @packet: a packet
 * @node: a node from the packet's data
 *
 * Resolves a placeholder: if @node is an object with `"_placeholder": true` and a `"num"` that
 * names one of @packet's attachments, returns that attachment.
 *
 * Returns: (transfer none) (nullable): the attachment @node stands for, or %NULL
 */
GBytes *
sio_packet_lookup_placeholder (SioPacket *packet,
                               JsonNode  *node)
{
  guint num;

  g_return_val_if_fail (packet != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  if (!node_is_placeholder (node) || !placeholder_get_num (node, packet->attachments->len, &num))
    return NULL;

  return g_ptr_array_index (packet->attachments, num);
}

/**
 * sio_packet_encode_for_protocol:
 * @packet: a packet
 * @protocol: %SIO_PROTOCOL_V4 or %SIO_PROTOCOL_V5
 * @attachments_out: (out) (optional) (transfer full) (element-type GBytes): where to store the
 *   attachments to send after the text, in order; an empty array if there are none
 *
 * Encodes @packet as the text of one Engine.IO message, exactly as socket.io-parser's encoder
 * does: `2["hello",1]`, `2/admin,["x"]`, `21["ack-me"]`, `3/admin,13[]`, `1/admin,`,
 * `51-["bin",{"_placeholder":true,"num":0}]`. An event or ack with attachments is written as a
 * BINARY_EVENT or BINARY_ACK with their count; one without as a plain EVENT or ACK whatever its
 * type says.
 *
 * In protocol 4, a CONNECT packet is written with its query string (sio_packet_set_query())
 * after the namespace and without payload, as socket.io 2.x expects (`0/admin?token=abc,`, or
 * `0` for the server's approval).
 *
 * Returns: (transfer full): the text
 */
char *
sio_packet_encode_for_protocol (SioPacket  *packet,
                                int         protocol,
                                GPtrArray **attachments_out)
{
  GString *out;
  SioPacketType type;
  guint n_attachments;
  gboolean v4_connect;

  g_return_val_if_fail (packet != NULL, NULL);
  g_return_val_if_fail (protocol == SIO_PROTOCOL_V4 || protocol == SIO_PROTOCOL_V5, NULL);

  type = packet->type;
  n_attachments = packet->attachments->len;
  if (type_is_event (type))
    type = n_attachments > 0 ? SIO_PACKET_BINARY_EVENT : SIO_PACKET_EVENT;
  else if (type_is_ack (type))
    type = n_attachments > 0 ? SIO_PACKET_BINARY_ACK : SIO_PACKET_ACK;

  v4_connect = protocol == SIO_PROTOCOL_V4 && type == SIO_PACKET_CONNECT;

  out = g_string_new (NULL);
  g_string_append_c (out, '0' + type);

  if (type == SIO_PACKET_BINARY_EVENT || type == SIO_PACKET_BINARY_ACK)
    g_string_append_printf (out, "%u-", n_attachments);

  /* socket.io-client 2.x's Manager appends "?query" to the namespace itself, so the namespace
   * check below then sees something other than "/" and adds the comma. */
  if (v4_connect && packet->query != NULL)
    g_string_append_printf (out, "%s?%s,", packet->nsp, packet->query);
  else if (strcmp (packet->nsp, "/") != 0)
    g_string_append_printf (out, "%s,", packet->nsp);

  if (packet->id >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, packet->id);

  /* The reference skips the payload when it is null or undefined (`null != obj.data`). */
  if (packet->data != NULL && !JSON_NODE_HOLDS_NULL (packet->data) && !v4_connect)
    sio_json_append (out, packet->data);

  if (attachments_out != NULL)
    {
      GPtrArray *attachments;

      attachments = g_ptr_array_new_full (n_attachments, (GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < n_attachments; i++)
        g_ptr_array_add (attachments, g_bytes_ref (g_ptr_array_index (packet->attachments, i)));
      *attachments_out = attachments;
    }

  return g_string_free (out, FALSE);
}

/**
 * sio_packet_encode:
 * @packet: a packet
 * @attachments_out: (out) (optional) (transfer full) (element-type GBytes): where to store the
 *   attachments to send after the text
 *
 * Encodes @packet for protocol 5; see sio_packet_encode_for_protocol().
 *
 * Returns: (transfer full): the text
 */
char *
sio_packet_encode (SioPacket  *packet,
                   GPtrArray **attachments_out)
{
  return sio_packet_encode_for_protocol (packet, SIO_PROTOCOL_V5, attachments_out);
}

/* Decoder */

/**
 * sio_packet_decoder_new:
 * @protocol: %SIO_PROTOCOL_V4 or %SIO_PROTOCOL_V5
 *
 * Creates a decoder for the packets of one connection. Feed it every Engine.IO message in the
 * order they arrive, text with sio_packet_decoder_feed_text() and binary with
 * sio_packet_decoder_feed_binary().
 *
 * Returns: (transfer full): a new decoder
 */
SioPacketDecoder *
sio_packet_decoder_new (int protocol)
{
  SioPacketDecoder *self;

  g_return_val_if_fail (protocol == SIO_PROTOCOL_V4 || protocol == SIO_PROTOCOL_V5, NULL);

  self = g_new0 (SioPacketDecoder, 1);
  self->protocol = protocol;
  self->max_attachments = SIO_PACKET_DEFAULT_MAX_ATTACHMENTS;

  return self;
}

/**
 * sio_packet_decoder_free:
 * @decoder: (transfer full): a decoder
 *
 * Frees @decoder and any packet it was still reconstructing.
 */
void
sio_packet_decoder_free (SioPacketDecoder *decoder)
{
  g_return_if_fail (decoder != NULL);

  g_clear_pointer (&decoder->pending, sio_packet_unref);
  g_free (decoder);
}

/**
 * sio_packet_decoder_get_protocol:
 * @decoder: a decoder
 *
 * Returns: the protocol revision @decoder reads
 */
int
sio_packet_decoder_get_protocol (SioPacketDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, SIO_PROTOCOL_V5);

  return decoder->protocol;
}

/**
 * sio_packet_decoder_get_max_attachments:
 * @decoder: a decoder
 *
 * Returns: how many binary attachments @decoder accepts per packet
 */
guint
sio_packet_decoder_get_max_attachments (SioPacketDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, 0);

  return decoder->max_attachments;
}

/**
 * sio_packet_decoder_set_max_attachments:
 * @decoder: a decoder
 * @max_attachments: the limit
 *
 * Sets how many binary attachments a packet may announce; packets announcing more are a parse
 * error. The default is %SIO_PACKET_DEFAULT_MAX_ATTACHMENTS.
 */
void
sio_packet_decoder_set_max_attachments (SioPacketDecoder *decoder,
                                        guint             max_attachments)
{
  g_return_if_fail (decoder != NULL);

  decoder->max_attachments = max_attachments;
}

/**
 * sio_packet_decoder_is_reconstructing:
 * @decoder: a decoder
 *
 * Returns: %TRUE while @decoder waits for the attachments of a binary packet
 */
gboolean
sio_packet_decoder_is_reconstructing (SioPacketDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, FALSE);

  return decoder->pending != NULL;
}

/**
 * sio_packet_decoder_reset:
 * @decoder: a decoder
 *
 * Drops the binary packet @decoder was reconstructing, if any (the reference's `destroy()`).
 */
void
sio_packet_decoder_reset (SioPacketDecoder *decoder)
{
  g_return_if_fail (decoder != NULL);

  g_clear_pointer (&decoder->pending, sio_packet_unref);
  decoder->expected = 0;
}

static gboolean
payload_is_valid (int            protocol,
                  SioPacketType  type,
                  JsonNode      *data)
{
  switch (type)
    {
    case SIO_PACKET_CONNECT:
      return data == NULL || JSON_NODE_HOLDS_OBJECT (data);

    case SIO_PACKET_DISCONNECT:
      return data == NULL;

    case SIO_PACKET_CONNECT_ERROR:
      /* socket.io-parser 3.x accepted any JSON for ERROR; 2.x servers send plain strings. */
      if (protocol == SIO_PROTOCOL_V4)
        return TRUE;
      return data == NULL ||
             JSON_NODE_HOLDS_OBJECT (data) ||
             (JSON_NODE_HOLDS_VALUE (data) && json_node_get_value_type (data) == G_TYPE_STRING);

    case SIO_PACKET_EVENT:
    case SIO_PACKET_BINARY_EVENT:
      {
        JsonArray *array;
        JsonNode *name;
        GType name_type;

        /* Protocol "Sending and receiving data": the payload is mandatory and MUST be a
         * non-empty array. Then isPayloadValid(): the name is a number or a string that is not
         * reserved. */
        if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
          return FALSE;
        array = json_node_get_array (data);
        if (json_array_get_length (array) == 0)
          return FALSE;

        name = json_array_get_element (array, 0);
        if (!JSON_NODE_HOLDS_VALUE (name))
          return FALSE;

        name_type = json_node_get_value_type (name);
        if (name_type == G_TYPE_INT64 || name_type == G_TYPE_DOUBLE)
          return TRUE;
        if (name_type != G_TYPE_STRING)
          return FALSE;

        for (guint i = 0; i < G_N_ELEMENTS (reserved_events); i++)
          if (strcmp (json_node_get_string (name), reserved_events[i]) == 0)
            return FALSE;
        return TRUE;
      }

    case SIO_PACKET_ACK:
    case SIO_PACKET_BINARY_ACK:
      /* Protocol "Acknowledgement": the payload is mandatory and MUST be an array. */
      return data != NULL && JSON_NODE_HOLDS_ARRAY (data);

    default:
      return FALSE;
    }
}

/* Checks that every placeholder in @node names an attachment below @limit that no other
 * placeholder names. Like the reference, does not look inside placeholders. */
static gboolean
check_placeholders (JsonNode *node,
                    guint     limit,
                    gboolean *seen)
{
  if (node_is_placeholder (node))
    {
      guint num;

      if (!placeholder_get_num (node, limit, &num) || seen[num])
        return FALSE;
      seen[num] = TRUE;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);

      for (guint i = 0; i < length; i++)
        if (!check_placeholders (json_array_get_element (array, i), limit, seen))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_values (object);

      for (const GList *l = members; l != NULL; l = l->next)
        if (!check_placeholders (l->data, limit, seen))
          return FALSE;
    }

  return TRUE;
}

static gboolean
parse_error (GError    **error,
             const char *message)
{
  g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, message);
  return FALSE;
}

/* Decoder.decodeString(). On success @n_attachments is the announced attachment count for a
 * binary packet and 0 otherwise. */
static gboolean
decode_string (SioPacketDecoder  *self,
               const char        *text,
               gsize              len,
               SioPacket        **out,
               guint             *n_attachments,
               GError           **error)
{
  g_autofree char *nsp = NULL;
  g_autofree char *query = NULL;
  g_autoptr(JsonNode) data = NULL;
  const char *p = text;
  const char *end = text + len;
  SioPacketType type;
  gboolean binary;
  gint64 id = -1;

  *n_attachments = 0;

  /* The JSON reader checks its part again, but the namespace is kept as a string too. */
  if (!g_utf8_validate_len (text, len, NULL))
    return parse_error (error, "packet is not valid UTF-8");

  if (p == end || *p < '0' || *p > '6')
    return parse_error (error, "unknown packet type");
  type = (SioPacketType) (*p++ - '0');
  binary = type == SIO_PACKET_BINARY_EVENT || type == SIO_PACKET_BINARY_ACK;

  if (binary)
    {
      const char *digits = p;
      guint64 count = 0;

      while (p < end && g_ascii_isdigit (*p))
        {
          /* Saturate: anything this long is too many attachments anyway. */
          if (count <= G_MAXUINT32)
            count = count * 10 + (*p - '0');
          p++;
        }

      if (p == digits || p == end || *p != '-')
        return parse_error (error, "Illegal attachments");
      if (count > self->max_attachments)
        return parse_error (error, "too many attachments");

      *n_attachments = (guint) count;
      p++;
    }

  if (p < end && *p == '/')
    {
      const char *start = p;

      while (p < end && *p != ',')
        p++;
      nsp = g_strndup (start, p - start);

      if (p < end)
        p++;
    }
  else
    {
      nsp = g_strdup ("/");
    }

  if (p < end && g_ascii_isdigit (*p))
    {
      id = 0;
      while (p < end && g_ascii_isdigit (*p))
        {
          id = id * 10 + (*p - '0');
          if (id > MAX_PACKET_ID)
            return parse_error (error, "invalid packet id");
          p++;
        }
    }

  if (p < end)
    {
      g_autoptr(GError) json_error = NULL;

      data = sio_json_from_string (p, end - p, &json_error);
      if (data == NULL)
        {
          g_set_error (error, SIO_ERROR, SIO_ERROR_PARSE, "invalid payload: %s",
                       json_error->message);
          return FALSE;
        }
    }

  if (!payload_is_valid (self->protocol, type, data))
    return parse_error (error, "invalid payload");

  if (binary && data != NULL)
    {
      gboolean *seen = g_new0 (gboolean, MAX (*n_attachments, 1));
      gboolean valid = check_placeholders (data, *n_attachments, seen);

      g_free (seen);
      if (!valid)
        return parse_error (error, "illegal attachments");
    }

  /* Protocol 4: socket.io-client 2.x sends its query string as part of the namespace of
   * CONNECT; for such clients the reference server (Client._parseNamespace()) takes the URL
   * path of every packet's namespace as the namespace, and the query of CONNECT as auth. */
  if (self->protocol == SIO_PROTOCOL_V4)
    {
      char *mark = strchr (nsp, '?');

      if (mark != NULL)
        {
          query = g_strdup (mark + 1);
          *mark = '\0';
        }
    }

  /* Like the reference, report binary packets as the plain type; attachments tell. */
  if (type == SIO_PACKET_BINARY_EVENT)
    type = SIO_PACKET_EVENT;
  else if (type == SIO_PACKET_BINARY_ACK)
    type = SIO_PACKET_ACK;

  *out = packet_new_take (type, g_steal_pointer (&nsp), id, g_steal_pointer (&data));
  (*out)->query = g_steal_pointer (&query);

  return TRUE;
}

/**
 * sio_packet_decoder_feed_text:
 * @decoder: a decoder
 * @text: the text of an Engine.IO message, without the Engine.IO type
 * @len: length of @text in bytes
 * @out: (out) (transfer full) (nullable): where to store the packet, if one is complete
 * @error: return location for a #GError
 *
 * Decodes one Socket.IO packet. Most packets are complete at once and stored in @out. A binary
 * packet announcing attachments is held until they have arrived through
 * sio_packet_decoder_feed_binary(), and @out is set to %NULL meanwhile.
 *
 * Fails with %SIO_ERROR_PARSE on malformed input, and when text arrives while attachments are
 * still expected; the packet being reconstructed is then dropped, so the decoder can go on.
 *
 * Returns: %TRUE on success
 */
gboolean
sio_packet_decoder_feed_text (SioPacketDecoder  *decoder,
                              const char        *text,
                              gsize              len,
                              SioPacket        **out,
                              GError           **error)
{
  g_autoptr(SioPacket) packet = NULL;
  guint n_attachments;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out = NULL;

  if (decoder->pending != NULL)
    {
      sio_packet_decoder_reset (decoder);
      return parse_error (error, "got plaintext data when reconstructing a packet");
    }

  if (!decode_string (decoder, text, len, &packet, &n_attachments, error))
    return FALSE;

  if (n_attachments > 0)
    {
      decoder->pending = g_steal_pointer (&packet);
      decoder->expected = n_attachments;
      return TRUE;
    }

  *out = g_steal_pointer (&packet);
  return TRUE;
}

/**
 * sio_packet_decoder_feed_binary:
 * @decoder: a decoder
 * @data: (transfer none): the payload of a binary Engine.IO message
 * @out: (out) (transfer full) (nullable): where to store the packet, if it is now complete
 * @error: return location for a #GError
 *
 * Adds an attachment to the binary packet being reconstructed. When it was the last one, the
 * packet is complete and stored in @out.
 *
 * Fails with %SIO_ERROR_PARSE if no binary packet is waiting for attachments.
 *
 * Returns: %TRUE on success
 */
gboolean
sio_packet_decoder_feed_binary (SioPacketDecoder  *decoder,
                                GBytes            *data,
                                SioPacket        **out,
                                GError           **error)
{
  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out = NULL;

  if (decoder->pending == NULL)
    return parse_error (error, "got binary data when not reconstructing a packet");

  g_ptr_array_add (decoder->pending->attachments, g_bytes_ref (data));

  if (decoder->pending->attachments->len == decoder->expected)
    {
      *out = g_steal_pointer (&decoder->pending);
      decoder->expected = 0;
    }

  return TRUE;
}
