/**
 * The shell's language: the catalogue's `settings.language` (read through the services'
 * catalogue.get, as the renderer reads it), followed through 'catalogue.changed' so the menu
 * and the next dialog switch when the user switches the launcher's language.
 */
import type { CatalogueView, LauncherServices } from '../../preload/contract/api';
import { dispatch } from '../dispatch';
import { shellTexts, type ShellLang, type ShellTexts } from './texts';

export class ShellLanguage {
  private readonly listeners = new Set<(lang: ShellLang) => void>();
  private readonly unsubscribe: () => void;

  private constructor(
    services: LauncherServices,
    private current: ShellLang,
  ) {
    this.unsubscribe = services.subscribe((event, payload) => {
      if (event === 'catalogue.changed') this.set(languageOf(payload as CatalogueView));
    });
  }

  /** Reads the language once (Japanese when the catalogue cannot be read), then follows it. */
  static async start(services: LauncherServices): Promise<ShellLanguage> {
    const view = await dispatch(services.handlers, 'catalogue.get', {});
    return new ShellLanguage(services, view.ok ? languageOf(view.value as CatalogueView) : 'ja');
  }

  get lang(): ShellLang {
    return this.current;
  }

  texts(): ShellTexts {
    return shellTexts(this.current);
  }

  /** Called with the new language each time it changes (not for a catalogue change that keeps it). */
  onChange(listener: (lang: ShellLang) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private set(lang: ShellLang): void {
    if (lang === this.current) return;
    this.current = lang;
    for (const listener of [...this.listeners]) listener(lang);
  }
}

function languageOf(view: CatalogueView | undefined): ShellLang {
  return view?.catalogue?.settings?.language === 'en' ? 'en' : 'ja';
}
