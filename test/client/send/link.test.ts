import { describe, expect, it } from 'vitest';
import { assertServable } from '../../../src/client/send/send-attempt.js';
import { buildRecipeRequest } from '../../../src/client/send/send-recipes.js';
import { linkRecipe } from '../../../src/client/send/share-recipes.js';
import { refusalOf } from '../../../src/client/session/app-mode.js';
import { InvalidArgumentError, NotAvailableError } from '../../../src/errors.js';
import { testSession } from '../fake-runtime.js';

const LINK = {
  title: 'Rust & <Go>',
  description: 'a "tour"',
  url: 'https://example.com/a?b=1&c=2',
  thumbUrl: 'https://example.com/t.jpg',
};

describe('linkRecipe', () => {
  it('builds a type 5 appmsg whose fields decode back', () => {
    const recipe = linkRecipe(LINK, false);
    expect(recipe).toMatchObject({ build: 'app', kind: 'app', appMsgType: 5 });
    expect(recipe.content).toContain('<title>Rust &amp; &lt;Go&gt;</title><des>a &quot;tour&quot;</des>');
    expect(recipe.content).toContain('<type>5</type>');
    expect(recipe.content).toContain('<url>https://example.com/a?b=1&amp;c=2</url>');
    expect(recipe.content).toContain('<thumburl>https://example.com/t.jpg</thumburl>');
    expect(recipe.content).toContain("appid='wxeb7ec651dd0aefa9'");
    expect(linkRecipe({ title: 't', url: 'http://x.y' }, true).content).toContain("appid=''");
  });

  it('refuses a missing title and URLs that are not http(s)', () => {
    expect(() => linkRecipe({ title: ' ', url: 'https://x.y' }, false)).toThrow(InvalidArgumentError);
    expect(() => linkRecipe({ title: 't', url: 'javascript:alert(1)' }, false)).toThrow(/url/);
    expect(() =>
      linkRecipe({ title: 't', url: 'https://x.y', thumbUrl: 'file:///etc/passwd' }, false),
    ).toThrow(/thumbUrl/);
  });

  it('goes to webwxsendappmsg with Type 5', () => {
    const spec = buildRecipeRequest(testSession().context(), linkRecipe(LINK, false), {
      deviceId: 'e1',
      from: '@me',
      to: '@bob',
      clientMsgId: '123',
    });
    expect(spec.url).toContain('webwxsendappmsg');
    expect(spec.body?.kind === 'json' && (spec.body.value as { Msg: { Type: number } }).Msg.Type).toBe(5);
  });

  it('is refused by the File Transfer web, a re-send too', () => {
    expect(refusalOf('filehelper', 'sendLink')).toMatch(/link cards/);
    expect(() => assertServable('filehelper', 'resend', linkRecipe(LINK, false), 'filehelper')).toThrow(
      NotAvailableError,
    );
    expect(() => assertServable('web', 'sendLink', linkRecipe(LINK, false), '@bob')).not.toThrow();
  });
});
