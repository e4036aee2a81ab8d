/** The translator TRANSLATE_PROVIDER names, or undefined when translation is off. */
import type { TranslateConfig } from '../config.js';
import { DeepLTranslator } from './deepl.js';
import type { TranslatorOptions } from './http.js';
import type { Translator } from './translator.js';
import { YandexTranslator } from './yandex.js';

export function createTranslator(cfg: TranslateConfig | undefined, opts: Partial<TranslatorOptions> = {}): Translator | undefined {
  if (!cfg) return undefined;
  return cfg.provider === 'yandex' ? new YandexTranslator(cfg, opts) : new DeepLTranslator(cfg, opts);
}

export type { TranslatorOptions };
