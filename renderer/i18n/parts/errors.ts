import { texts } from './define';

export const errorsTexts = texts({}, {});
