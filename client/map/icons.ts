// A tiny icon atlas drawn on a canvas at start (no image files to fetch): deck.gl IconLayer masks
// tint it per feature.

const size = 64;

type IconMapping = Record<string, { x: number; y: number; width: number; height: number; mask: boolean }>;

export interface IconAtlas {
  url: string;
  mapping: IconMapping;
}

let atlas: IconAtlas | null = null;

export function iconAtlas(): IconAtlas {
  if (atlas) return atlas;
  const canvas = document.createElement('canvas');
  canvas.width = size * 2;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  // Checkpoint: a diamond with a bar across (a barrier).
  ctx.beginPath();
  ctx.moveTo(size / 2, 4);
  ctx.lineTo(size - 4, size / 2);
  ctx.lineTo(size / 2, size - 4);
  ctx.lineTo(4, size / 2);
  ctx.closePath();
  ctx.fill();
  ctx.globalCompositeOperation = 'destination-out';
  ctx.fillRect(16, size / 2 - 4, size - 32, 8);
  ctx.globalCompositeOperation = 'source-over';
  // Isolation site: a rounded square with a cross.
  const x0 = size;
  ctx.beginPath();
  ctx.roundRect(x0 + 6, 6, size - 12, size - 12, 10);
  ctx.fill();
  ctx.globalCompositeOperation = 'destination-out';
  ctx.fillRect(x0 + size / 2 - 5, 16, 10, size - 32);
  ctx.fillRect(x0 + 16, size / 2 - 5, size - 32, 10);
  ctx.globalCompositeOperation = 'source-over';
  atlas = {
    url: canvas.toDataURL('image/png'),
    mapping: {
      checkpoint: { x: 0, y: 0, width: size, height: size, mask: true },
      isolation: { x: size, y: 0, width: size, height: size, mask: true },
    },
  };
  return atlas;
}
