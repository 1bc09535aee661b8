// Prisma CLI configuration: only `prisma generate` is used (migrations are plain SQL in /migrations).
import { defineConfig } from 'prisma/config';

export default defineConfig({ schema: 'prisma/schema.prisma' });
