/**
 * The Telegram Bot API objects this surface answers with (a subset of core.telegram.org/bots/api:
 * only the fields webwx fills).
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group';
  /** Groups: the topic. */
  title?: string;
  /** Private chats: the remark name, else the nickname. */
  first_name?: string;
}

export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

export interface TgPhotoSize extends TgFile {
  width: number;
  height: number;
}

export interface TgDocument extends TgFile {
  file_name?: string;
  mime_type?: string;
}

export interface TgVoice extends TgFile {
  duration: number;
  mime_type?: string;
}

export interface TgVideo extends TgFile {
  width: number;
  height: number;
  duration: number;
  mime_type?: string;
}

export interface TgSticker extends TgFile {
  type: 'regular';
  width: number;
  height: number;
  is_animated: boolean;
  is_video: boolean;
}

export interface TgEntity {
  type: 'bot_command';
  offset: number;
  length: number;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgDocument;
  voice?: TgVoice;
  video?: TgVideo;
  sticker?: TgSticker;
  location?: { latitude: number; longitude: number };
  reply_to_message?: TgMessage;
}

export interface TgUpdate {
  update_id: number;
  message: TgMessage;
}

/** What getFile answers; `file_path` goes after `<base>/file/bot<token>/`. */
export interface TgFileInfo extends TgFile {
  file_path: string;
}

export interface TgWebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  max_connections?: number;
  allowed_updates?: string[];
  last_error_date?: number;
  last_error_message?: string;
}
