import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';

export function TagChips({ tags }: { tags: string[] }) {
  const t = useT();
  const selected = useFeature('browse', (s) => s.tags);
  const { toggleTag } = useActions('browse');
  if (tags.length === 0) return null;
  return (
    <div className="chips" role="group" aria-label={t('desktops.tags')}>
      {tags.map((tag) => (
        <button key={tag} type="button" className="chip" aria-pressed={selected.includes(tag)} onClick={() => toggleTag(tag)}>
          {tag}
        </button>
      ))}
    </div>
  );
}
