"""lineage: models and their edges, datasets, vendors and their admission reviews, components, what
each system uses, and evidence on models and datasets (issue 12)

New tables only; nothing existing changes, so the downgrade drops them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lineage_vendors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('supplies', sa.JSON(), nullable=False),
    sa.Column('admission', sa.String(length=20), nullable=False),
    sa.Column('due_diligence', sa.JSON(), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=True),
    sa.Column('result_reasons', sa.JSON(), nullable=False),
    sa.Column('algorithm_filing', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_vendors')),
    sa.UniqueConstraint('name', name=op.f('uq_lineage_vendors_name'))
    )
    op.create_table('lineage_components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('purl', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['lineage_vendors.id'], name=op.f('fk_lineage_components_supplier_id_lineage_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_components')),
    sa.UniqueConstraint('kind', 'name', 'version', name=op.f('uq_lineage_components_kind'))
    )
    op.create_index(op.f('ix_lineage_components_supplier_id'), 'lineage_components', ['supplier_id'], unique=False)
    op.create_table('lineage_datasets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('collection_method', sa.Text(), nullable=True),
    sa.Column('lawful_basis', sa.Text(), nullable=True),
    sa.Column('personal', sa.Boolean(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('important', sa.Boolean(), nullable=False),
    sa.Column('ip_status', sa.Text(), nullable=True),
    sa.Column('annotation_rules', sa.Text(), nullable=True),
    sa.Column('quality_checks', sa.Text(), nullable=True),
    sa.Column('bias_notes', sa.Text(), nullable=True),
    sa.Column('poisoning_checks', sa.Text(), nullable=True),
    sa.Column('retention', sa.Text(), nullable=True),
    sa.Column('cross_border', sa.Boolean(), nullable=False),
    sa.Column('cross_border_mechanism', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['lineage_vendors.id'], name=op.f('fk_lineage_datasets_supplier_id_lineage_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_datasets')),
    sa.UniqueConstraint('name', name=op.f('uq_lineage_datasets_name'))
    )
    op.create_index(op.f('ix_lineage_datasets_supplier_id'), 'lineage_datasets', ['supplier_id'], unique=False)
    op.create_table('lineage_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('accountable_team', sa.String(length=200), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('licence', sa.String(length=200), nullable=True),
    sa.Column('intended_use', sa.Text(), nullable=True),
    sa.Column('limitations', sa.Text(), nullable=True),
    sa.Column('training_data', sa.Text(), nullable=True),
    sa.Column('security_contact', sa.String(length=200), nullable=True),
    sa.Column('remediation', sa.Text(), nullable=True),
    sa.Column('output_labeling', sa.Text(), nullable=True),
    sa.Column('filing_number', sa.String(length=100), nullable=True),
    sa.Column('launch_number', sa.String(length=100), nullable=True),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=True),
    sa.Column('stub', sa.Boolean(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vendor_id'], ['lineage_vendors.id'], name=op.f('fk_lineage_models_vendor_id_lineage_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_models')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_lineage_models_name'))
    )
    op.create_index(op.f('ix_lineage_models_vendor_id'), 'lineage_models', ['vendor_id'], unique=False)
    op.create_table('lineage_vendor_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('function', sa.String(length=30), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vendor_id'], ['lineage_vendors.id'], name=op.f('fk_lineage_vendor_reviews_vendor_id_lineage_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_vendor_reviews'))
    )
    op.create_index(op.f('ix_lineage_vendor_reviews_vendor_id'), 'lineage_vendor_reviews', ['vendor_id'], unique=False)
    op.create_table('lineage_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.Column('dataset_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('catalog_id', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('filename', sa.String(length=300), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('uri', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('added_by', sa.String(length=200), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(model_id IS NULL) <> (dataset_id IS NULL)', name=op.f('ck_lineage_evidence_one_subject')),
    sa.ForeignKeyConstraint(['dataset_id'], ['lineage_datasets.id'], name=op.f('fk_lineage_evidence_dataset_id_lineage_datasets')),
    sa.ForeignKeyConstraint(['model_id'], ['lineage_models.id'], name=op.f('fk_lineage_evidence_model_id_lineage_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_evidence'))
    )
    op.create_index(op.f('ix_lineage_evidence_dataset_id'), 'lineage_evidence', ['dataset_id'], unique=False)
    op.create_index(op.f('ix_lineage_evidence_model_id'), 'lineage_evidence', ['model_id'], unique=False)
    op.create_table('lineage_model_datasets',
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['lineage_datasets.id'], name=op.f('fk_lineage_model_datasets_dataset_id_lineage_datasets')),
    sa.ForeignKeyConstraint(['model_id'], ['lineage_models.id'], name=op.f('fk_lineage_model_datasets_model_id_lineage_models')),
    sa.PrimaryKeyConstraint('model_id', 'dataset_id', 'use', name=op.f('pk_lineage_model_datasets'))
    )
    op.create_index(op.f('ix_lineage_model_datasets_dataset_id'), 'lineage_model_datasets', ['dataset_id'], unique=False)
    op.create_table('lineage_model_edges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint('child_id <> parent_id', name=op.f('ck_lineage_model_edges_not_self')),
    sa.ForeignKeyConstraint(['child_id'], ['lineage_models.id'], name=op.f('fk_lineage_model_edges_child_id_lineage_models')),
    sa.ForeignKeyConstraint(['parent_id'], ['lineage_models.id'], name=op.f('fk_lineage_model_edges_parent_id_lineage_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lineage_model_edges')),
    sa.UniqueConstraint('child_id', 'parent_id', name=op.f('uq_lineage_model_edges_child_id'))
    )
    op.create_index(op.f('ix_lineage_model_edges_child_id'), 'lineage_model_edges', ['child_id'], unique=False)
    op.create_index(op.f('ix_lineage_model_edges_parent_id'), 'lineage_model_edges', ['parent_id'], unique=False)
    op.create_table('lineage_system_components',
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['lineage_components.id'], name=op.f('fk_lineage_system_components_component_id_lineage_components')),
    sa.ForeignKeyConstraint(['system_id'], ['ai_systems.id'], name=op.f('fk_lineage_system_components_system_id_ai_systems')),
    sa.PrimaryKeyConstraint('system_id', 'component_id', name=op.f('pk_lineage_system_components'))
    )
    op.create_index(op.f('ix_lineage_system_components_component_id'), 'lineage_system_components', ['component_id'], unique=False)
    op.create_table('lineage_system_datasets',
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['lineage_datasets.id'], name=op.f('fk_lineage_system_datasets_dataset_id_lineage_datasets')),
    sa.ForeignKeyConstraint(['system_id'], ['ai_systems.id'], name=op.f('fk_lineage_system_datasets_system_id_ai_systems')),
    sa.PrimaryKeyConstraint('system_id', 'dataset_id', 'use', name=op.f('pk_lineage_system_datasets'))
    )
    op.create_index(op.f('ix_lineage_system_datasets_dataset_id'), 'lineage_system_datasets', ['dataset_id'], unique=False)
    op.create_table('lineage_system_models',
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['lineage_models.id'], name=op.f('fk_lineage_system_models_model_id_lineage_models')),
    sa.ForeignKeyConstraint(['system_id'], ['ai_systems.id'], name=op.f('fk_lineage_system_models_system_id_ai_systems')),
    sa.PrimaryKeyConstraint('system_id', 'model_id', name=op.f('pk_lineage_system_models'))
    )
    op.create_index(op.f('ix_lineage_system_models_model_id'), 'lineage_system_models', ['model_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_lineage_system_models_model_id'), table_name='lineage_system_models')
    op.drop_table('lineage_system_models')
    op.drop_index(op.f('ix_lineage_system_datasets_dataset_id'), table_name='lineage_system_datasets')
    op.drop_table('lineage_system_datasets')
    op.drop_index(op.f('ix_lineage_system_components_component_id'), table_name='lineage_system_components')
    op.drop_table('lineage_system_components')
    op.drop_index(op.f('ix_lineage_model_edges_parent_id'), table_name='lineage_model_edges')
    op.drop_index(op.f('ix_lineage_model_edges_child_id'), table_name='lineage_model_edges')
    op.drop_table('lineage_model_edges')
    op.drop_index(op.f('ix_lineage_model_datasets_dataset_id'), table_name='lineage_model_datasets')
    op.drop_table('lineage_model_datasets')
    op.drop_index(op.f('ix_lineage_evidence_model_id'), table_name='lineage_evidence')
    op.drop_index(op.f('ix_lineage_evidence_dataset_id'), table_name='lineage_evidence')
    op.drop_table('lineage_evidence')
    op.drop_index(op.f('ix_lineage_vendor_reviews_vendor_id'), table_name='lineage_vendor_reviews')
    op.drop_table('lineage_vendor_reviews')
    op.drop_index(op.f('ix_lineage_models_vendor_id'), table_name='lineage_models')
    op.drop_table('lineage_models')
    op.drop_index(op.f('ix_lineage_datasets_supplier_id'), table_name='lineage_datasets')
    op.drop_table('lineage_datasets')
    op.drop_index(op.f('ix_lineage_components_supplier_id'), table_name='lineage_components')
    op.drop_table('lineage_components')
    op.drop_table('lineage_vendors')
