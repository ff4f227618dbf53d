import type { RenderedImageType } from '../../codecs/render/encode-image.js';
import { errors } from '../errors.js';
import { negotiate, notAcceptableMessage, parseAccept, type Offer } from '../http/accept.js';

/** What a rendered response is sent as. */
export type RenderedRepresentation =
  /** One frame, one image. */
  | { readonly kind: 'image'; readonly mediaType: RenderedImageType }
  /** Several frames of one instance as one animated GIF (a multi-frame media type, PS3.18 8.7.4). */
  | { readonly kind: 'animation'; readonly mediaType: 'image/gif' }
  /** multipart/related, one image per frame. */
  | { readonly kind: 'multipart'; readonly partType: RenderedImageType };

/**
 * The shape of what is rendered, which decides the media types that apply
 * (PS3.18 10.4.4): single-part image types only for one frame; a study or a
 * series is several items, so single-part types are ignored for it and only
 * multipart/related remains, even when it holds one frame.
 */
export type RenderedShape = 'one-frame' | 'frames-of-one-instance' | 'instances';

const IMAGE_TYPES: readonly RenderedImageType[] = ['image/jpeg', 'image/png', 'image/gif'];

const single = (mediaType: RenderedImageType): Offer<RenderedRepresentation> => ({ mediaType, value: { kind: 'image', mediaType } });
const multipart = (partType: RenderedImageType): Offer<RenderedRepresentation> => ({
  mediaType: 'multipart/related',
  type: partType,
  value: { kind: 'multipart', partType },
});

/** Offers in server preference: image/jpeg is the default rendered media type (PS3.18 Table 8.7.4-1). */
function offersFor(shape: RenderedShape): Offer<RenderedRepresentation>[] {
  switch (shape) {
    case 'one-frame':
      return [...IMAGE_TYPES.map(single), ...IMAGE_TYPES.map(multipart)];
    case 'frames-of-one-instance':
      return [...IMAGE_TYPES.map(multipart), { mediaType: 'image/gif', value: { kind: 'animation', mediaType: 'image/gif' } }];
    case 'instances':
      return IMAGE_TYPES.map(multipart);
  }
}

/** The representation the client prefers, or a 406 that lists what this resource can be. */
export function negotiateRendered(accept: string | string[] | undefined, shape: RenderedShape): RenderedRepresentation {
  const offers = offersFor(shape);
  const chosen = negotiate(parseAccept(accept), offers);
  if (chosen === null) {
    const why =
      shape === 'instances'
        ? ' A rendered study or series is several images: ask for multipart/related; type="image/jpeg" (or image/png, image/gif).'
        : shape === 'frames-of-one-instance'
          ? ' Several frames are several images: ask for multipart/related; type="image/jpeg" (or png, gif), image/gif for one animation, or /frames/{n}/rendered for one frame.'
          : '';
    throw errors.notAcceptable(notAcceptableMessage(accept, offers) + why);
  }
  return chosen;
}

const PDF: Offer<'application/pdf'>[] = [{ mediaType: 'application/pdf', value: 'application/pdf' }];

/** An Encapsulated PDF renders as its document, application/pdf; any other Accept is a 406. */
export function negotiatePdf(accept: string | string[] | undefined): 'application/pdf' {
  const chosen = negotiate(parseAccept(accept), PDF);
  if (chosen === null) throw errors.notAcceptable(`${notAcceptableMessage(accept, PDF)} The instance is an Encapsulated PDF.`);
  return chosen;
}

/** The single-image media type of a thumbnail (PS3.18 10.4.1.1.4: one image in a rendered media type). */
export function negotiateThumbnail(accept: string | string[] | undefined): RenderedImageType {
  const offers = IMAGE_TYPES.map(single);
  const chosen = negotiate(parseAccept(accept), offers);
  if (chosen === null || chosen.kind !== 'image') throw errors.notAcceptable(notAcceptableMessage(accept, offers));
  return chosen.mediaType;
}
