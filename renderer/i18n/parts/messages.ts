import { texts } from './define';

export const messagesTexts = texts({}, {});
