// The demo catalogue. It is generated from a fixed seed so that every instance
// of the shop (and every test) sees exactly the same products.

const ADJECTIVES = [
  'Classic',
  'Cosy',
  'Rugged',
  'Elegant',
  'Vintage',
  'Modern',
  'Handmade',
  'Compact',
  'Deluxe',
  'Everyday',
  'Lightweight',
  'Oversized',
  'Sturdy',
  'Soft',
  'Sleek',
  'Rustic',
  'Premium',
  'Tiny',
  'Bold',
  'Quiet',
];
const COLOURS = [
  'Crimson',
  'Navy',
  'Olive',
  'Charcoal',
  'Ivory',
  'Mustard',
  'Teal',
  'Coral',
  'Slate',
  'Forest',
  'Amber',
  'Plum',
  'Sand',
  'Rose',
  'Cobalt',
  'Graphite',
];
const MATERIALS = [
  'Wool',
  'Cotton',
  'Linen',
  'Leather',
  'Bamboo',
  'Ceramic',
  'Oak',
  'Walnut',
  'Steel',
  'Copper',
  'Canvas',
  'Cashmere',
  'Denim',
  'Glass',
];
const NOUNS = [
  'Scarf',
  'Mug',
  'Backpack',
  'Lamp',
  'Blanket',
  'Notebook',
  'Wallet',
  'Vase',
  'Cushion',
  'Teapot',
  'Jacket',
  'Bowl',
  'Tote',
  'Clock',
  'Apron',
  'Candle',
  'Beanie',
  'Planter',
  'Tray',
  'Kettle',
  'Sweater',
  'Basket',
  'Umbrella',
  'Journal',
];
const CATEGORIES = ['home', 'kitchen', 'clothing', 'accessories', 'stationery', 'garden'];
const TAGS = [
  'gift',
  'bestseller',
  'new',
  'eco',
  'limited',
  'handmade',
  'sale',
  'bundle',
  'local',
  'organic',
  'vegan',
  'fair-trade',
];
const OPENERS = [
  'A %s made to last, with care in every stitch and seam.',
  'Our %s is a favourite with regulars and first-time visitors alike.',
  'This %s brings a little calm to busy mornings.',
  'Designed in our studio, the %s pairs well with almost anything.',
  'The %s you will reach for again and again.',
];
const MIDDLES = [
  'Sourced from small suppliers we have worked with for years, and finished by hand.',
  'It folds away neatly when you need the space, and looks good left out when you do not.',
  'Customers tell us it still looks new after years of daily use.',
  'A quiet design that fits a shelf in town as well as a cottage kitchen.',
  'Every batch is checked in our workshop before it is packed.',
];
const CLOSERS = [
  'Ships in recycled packaging.',
  'Wipe clean with a damp cloth.',
  'Each piece varies slightly, which is part of its charm.',
  'Backed by our two-year guarantee.',
  'Ready to gift, no wrapping needed.',
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const REVIEWERS = ['Sam', 'Priya', 'Tom', 'Aisha', 'Ben', 'Chloe', 'Dan', 'Eve', 'Femi', 'Grace'];
const REVIEW_TEXTS = [
  'Lovely quality, exactly as pictured. Would buy again.',
  'Arrived quickly and well packed. A little smaller than I expected.',
  'Bought this as a present and it went down very well.',
  'Good value for the price, though the colour is slightly darker in person.',
  'Second one I have bought. Still going strong after a year.',
];
const IMAGE_VIEWS = ['front', 'back', 'side', 'detail', 'in-use'];
const WAREHOUSES = ['LDN-1', 'MAN-2', 'EDI-1', 'BRS-3'];

// mulberry32: small, fast, good enough for demo data.
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateProducts(count, seed = 20240611) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const products = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const noun = pick(NOUNS);
    const name = `${pick(ADJECTIVES)} ${pick(COLOURS)} ${pick(MATERIALS)} ${noun}`;
    const tags = [];
    for (const tag of TAGS) if (random() < 0.2) tags.push(tag);
    products[i] = {
      id,
      sku: `SKU-${String(id).padStart(7, '0')}`,
      name,
      slug: name.toLowerCase().replaceAll(' ', '-'),
      category: pick(CATEGORIES),
      description: `${pick(OPENERS).replace('%s', noun.toLowerCase())} ${pick(MIDDLES)} ${pick(CLOSERS)}`,
      priceCents: 499 + Math.floor(random() * 20000),
      currency: 'GBP',
      stock: Math.floor(random() * 250),
      rating: Math.round((2.5 + random() * 2.5) * 10) / 10,
      reviews: Math.floor(random() * 900),
      tags,
      dimensions: {
        widthCm: 5 + Math.floor(random() * 60),
        heightCm: 5 + Math.floor(random() * 60),
        depthCm: 1 + Math.floor(random() * 40),
        weightG: 50 + Math.floor(random() * 3000),
      },
      variants: SIZES.map((size) => ({
        size,
        stock: Math.floor(random() * 80),
        priceCents: 499 + Math.floor(random() * 20000),
        barcode: 5000000000000 + Math.floor(random() * 999999999999),
      })),
      topReviews: [0, 1, 2, 3, 4].map(() => ({
        author: pick(REVIEWERS),
        stars: 1 + Math.floor(random() * 5),
        text: pick(REVIEW_TEXTS),
      })),
      images: IMAGE_VIEWS,
      warehouse: pick(WAREHOUSES),
      updatedAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 3e10)).toISOString(),
    };
  }
  return products;
}
