// File helpers for the fake Telegram server: Telegram-looking file ids, image sniffing, MIME guessing and
// small valid media to use in tests.

import { randomBytes } from 'node:crypto';

export type FileKind = 'photo' | 'document' | 'voice' | 'sticker' | 'video_note' | 'video' | 'audio' | 'animation';

// Real file_ids start with a type-specific prefix; keeping them makes ids look (and differ) like real ones.
const FILE_ID_PREFIX: Record<FileKind, string> = {
  photo: 'AgACAgIAAxkBAAI',
  document: 'BQACAgIAAxkBAAI',
  voice: 'AwACAgIAAxkBAAI',
  sticker: 'CAACAgIAAxkBAAI',
  video_note: 'DQACAgIAAxkBAAI',
  video: 'BAACAgIAAxkBAAI',
  audio: 'CQACAgIAAxkBAAI',
  animation: 'CgACAgIAAxkBAAI',
};

export const FILE_DIR: Record<FileKind, string> = {
  photo: 'photos',
  document: 'documents',
  voice: 'voice',
  sticker: 'stickers',
  video_note: 'video_notes',
  video: 'videos',
  audio: 'music',
  animation: 'animations',
};

const DEFAULT_EXT: Record<FileKind, string> = {
  photo: 'jpg',
  document: 'dat',
  voice: 'oga',
  sticker: 'webp',
  video_note: 'mp4',
  video: 'mp4',
  audio: 'mp3',
  animation: 'mp4',
};

export function defaultExt(kind: FileKind): string {
  return DEFAULT_EXT[kind];
}

function b64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function makeFileId(kind: FileKind): string {
  return FILE_ID_PREFIX[kind] + b64url(48);
}

export function makeFileUniqueId(kind: FileKind): string {
  return (kind === 'photo' ? 'AQAD' : 'AgAD') + b64url(9);
}

/** Width/height of PNG, JPEG, GIF or WebP bytes; undefined when the bytes are not an image Telegram accepts. */
export function imageInfo(bytes: Buffer): { format: 'png' | 'jpeg' | 'gif' | 'webp'; width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('ascii', 0, 3) === 'GIF') {
    return { format: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 30 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
    const chunk = bytes.toString('ascii', 12, 16);
    if (chunk === 'VP8X') return { format: 'webp', width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
    if (chunk === 'VP8L') {
      const b = bytes.readUInt32LE(21);
      return { format: 'webp', width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
    return { format: 'webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    let p = 2;
    while (p + 9 < bytes.length) {
      if (bytes[p] !== 0xff) {
        p++;
        continue;
      }
      const marker = bytes[p + 1] as number;
      const len = bytes.readUInt16BE(p + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', height: bytes.readUInt16BE(p + 5), width: bytes.readUInt16BE(p + 7) };
      }
      p += 2 + len;
    }
    return { format: 'jpeg', width: 0, height: 0 };
  }
  return undefined;
}

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Telegram derives a document's mime_type from its file name, not from the part's Content-Type. */
export function guessMime(fileName: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (ext && MIME[ext]) || 'application/octet-stream';
}

/** A valid 1×1 PNG (sendPhoto accepts it). */
export const TINY_PNG: Buffer = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A valid 2×2 baseline JPEG header+data (enough for sniffing; sendPhoto accepts it). */
export const TINY_JPEG: Buffer = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAACAAIBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
