/** The detect pipeline's entry point; the stages live in ./pipeline/ (see its index.ts for the map). */
export * from './pipeline/index.js';
